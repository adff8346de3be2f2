// `sealkey device ...`: media (D2, D3, E1): list, info, create, change-pin,
// unblock, delete.
#include <iostream>

#include <CLI/CLI.hpp>

#include "base/encoding.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "cli/secrets.h"
#include "client/agent_channel.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

std::string PinText(const json& pin) {
  std::string state = pin.value("state", "ok");
  int left = pin.value("tries_left", -1);
  std::string tries = left >= 0 ? " (" + std::to_string(left) + "/" +
                                      std::to_string(pin.value("max_tries", -1)) + ")"
                                : "";
  if (state == "locked") return std::string(Tr("locked", "已锁定")) + tries;
  if (state == "ok") return std::string(Tr("ok", "正常")) + tries;
  return std::string(Tr("tries used", "已有错误尝试")) + tries;
}

void PrintDevice(const json& d) {
  std::cout << d.value("label", "") << "  [" << d.value("kind", "") << "]\n"
            << "  " << PadLabel(Tr("ID", "标识"), 16) << d.value("id", "") << "\n"
            << "  " << PadLabel(Tr("Serial", "序列号"), 16) << d.value("serial", "") << "\n"
            << "  " << PadLabel(Tr("Manufacturer", "厂商"), 16) << d.value("manufacturer", "")
            << " / " << d.value("model", "") << "\n"
            << "  " << PadLabel(Tr("User PIN", "用户 PIN"), 16) << PinText(d["user_pin"]) << "\n"
            << "  " << PadLabel(Tr("Admin PIN", "管理员 PIN"), 16) << PinText(d["so_pin"]) << "\n"
            << "  " << PadLabel(Tr("Certificates", "证书数"), 16) << d.value("certificates", 0)
            << "\n";
  if (d.value("created", 0) > 0) {
    std::cout << "  " << PadLabel(Tr("Created", "创建时间"), 16)
              << FormatLocalTime(d.value("created", int64_t{0})) << "\n";
  }
  if (d.contains("capacity")) {
    std::cout << "  " << PadLabel(Tr("Free space", "剩余空间"), 16) << d.value("free", 0) << " / "
              << d.value("capacity", 0) << " bytes\n";
  }
}

Status List(const GlobalOptions& g) {
  auto r = CallMedia(g, {{"op", "device.list"}});
  if (!r) return Fail(r.error());
  if (g.json) {
    PrintJson(*r);
    return Ok();
  }
  if ((*r)["devices"].empty()) {
    std::cout << Tr("No devices. Create one with `sealkey device create --label NAME`.",
                    "没有设备。可用 `sealkey device create --label 名称` 创建文件设备。")
              << "\n";
  }
  for (const auto& d : (*r)["devices"]) PrintDevice(d);
  for (const auto& e : (*r)["errors"]) {
    std::cerr << "sealkey: warning: " << e.value("where", "") << ": " << e.value("message", "")
              << "\n";
  }
  return Ok();
}

Status Info(const GlobalOptions& g, const std::string& device) {
  auto r = CallMedia(g, {{"op", "device.info"}, {"device", device}});
  if (!r) return Fail(r.error());
  if (g.json) PrintJson(*r);
  else PrintDevice(*r);
  return Ok();
}

struct CreateOptions {
  std::string label;
  int max_tries = 6;
  std::string kdf = "argon2id";
  std::string cipher = "sm4-ctr-hmac-sm3";
  uint64_t capacity = 0;
  uint32_t kdf_iterations = 0;
};

Status Create(const GlobalOptions& g, const CreateOptions& o) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  token::file::CreateParams p;
  p.label = o.label;
  p.max_tries = o.max_tries;
  auto kdf = crypto::ParseKdfAlg(o.kdf);
  if (!kdf) return Fail(ErrorCode::kInvalidArgument, kdf.error().message, "--kdf");
  p.kdf.alg = *kdf;
  auto cipher = crypto::ParseAeadAlg(o.cipher);
  if (!cipher) return Fail(ErrorCode::kInvalidArgument, cipher.error().message, "--cipher");
  p.aead = *cipher;
  if (o.capacity) p.capacity = o.capacity;
  if (o.kdf_iterations) p.kdf.iterations = o.kdf_iterations;
  auto user = ReadSecret({"New user PIN", "SEALKEY_PIN", "pin", true}, g.pin_stdin);
  if (!user) return Fail(user.error());
  auto so = ReadSecret({"New administrator PIN", "SEALKEY_SO_PIN", "so_pin", true}, g.pin_stdin);
  if (!so) return Fail(so.error());
  p.user_pin = std::move(*user);
  p.so_pin = std::move(*so);
  auto dev = profile->CreateFileDevice(p);
  if (!dev) return Fail(dev.error());
  auto info = (*dev)->Info();
  if (!info) return Fail(info.error());
  if (g.json) {
    PrintJson({{"id", info->id}, {"serial", info->serial}, {"label", info->label}});
  } else {
    std::cout << Tr("Created file device ", "已创建文件设备 ") << info->label << " ("
              << info->id << ")\n";
  }
  return Ok();
}

// Reads two secrets and sends them with `op`; prints `done` on success.
Status TwoSecretOp(const GlobalOptions& g, const std::string& device, const char* op,
                   const SecretSpec& first, const char* first_key, const SecretSpec& second,
                   std::string_view done) {
  auto a = ReadSecret(first, g.pin_stdin);
  if (!a) return Fail(a.error());
  auto b = ReadSecret(second, g.pin_stdin);
  if (!b) return Fail(b.error());
  auto r = CallMedia(g, {{"op", op}, {"device", device}, {first_key, HexEncode(a->span())},
                         {"new_pin", HexEncode(b->span())}});
  if (!r) return Fail(r.error());
  if (!g.json) std::cout << done << "\n";
  return Ok();
}

Status ChangePin(const GlobalOptions& g, const std::string& device) {
  return TwoSecretOp(g, device, "device.change_pin", {"Current PIN", "SEALKEY_PIN", "pin"},
                     "old_pin", {"New PIN", "SEALKEY_NEW_PIN", "new_pin", true},
                     Tr("PIN changed.", "PIN 已修改。"));
}

Status Unblock(const GlobalOptions& g, const std::string& device) {
  return TwoSecretOp(g, device, "device.unblock",
                     {"Administrator PIN", "SEALKEY_SO_PIN", "so_pin"}, "so_pin",
                     {"New user PIN", "SEALKEY_NEW_PIN", "new_pin", true},
                     Tr("User PIN unblocked and set.", "用户 PIN 已解锁并重设。"));
}

Status Delete(const GlobalOptions& g, const std::string& device) {
  auto info = CallMedia(g, {{"op", "device.info"}, {"device", device}});
  if (!info) return Fail(info.error());
  // The user proves ownership with the PIN before everything on it is destroyed.
  auto verified = CallMedia(g, {{"op", "device.verify_pin"}, {"device", device}});
  if (!verified) return Fail(verified.error());
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  SEALKEY_RETURN_IF_ERROR(profile->DeleteFileDevice((*info)["id"].get<std::string>()));
  (void)client::CallAgent(*profile, {{"op", "agent.forget"}, {"device", (*info)["id"]}});
  if (!g.json) std::cout << Tr("Deleted ", "已删除 ") << (*info)["label"].get<std::string>() << "\n";
  return Ok();
}

}  // namespace

void RegisterDeviceCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* dev = app.add_subcommand("device", "Media: file devices and PKCS#11 tokens");
  dev->require_subcommand(1);
  auto device = std::make_shared<std::string>();
  auto create = std::make_shared<CreateOptions>();

  dev->add_subcommand("list", "List all media with their PIN state and certificates")
      ->callback([&ctx] { ctx.action = [&ctx] { return List(ctx.global); }; });

  auto add_device_cmd = [&](const char* name, const char* help, Status (*fn)(const GlobalOptions&, const std::string&)) {
    CLI::App* c = dev->add_subcommand(name, help);
    c->add_option("--device,-d", *device, "Device id, serial or label")->required();
    c->callback([&ctx, device, fn] { ctx.action = [&ctx, device, fn] { return fn(ctx.global, *device); }; });
  };
  add_device_cmd("info", "Show one device", Info);
  add_device_cmd("change-pin", "Change the user PIN (D3)", ChangePin);
  add_device_cmd("unblock", "Unblock the user PIN with the administrator PIN", Unblock);
  add_device_cmd("delete", "Delete a file device and everything on it", Delete);

  CLI::App* c = dev->add_subcommand("create", "Create a file device (asks for user and admin PIN)");
  c->add_option("--label", create->label, "Device label")->required();
  c->add_option("--max-tries", create->max_tries, "PIN tries before locking (default 6)");
  c->add_option("--kdf", create->kdf, "PIN key derivation: argon2id (default) or pbkdf2-sm3");
  c->add_option("--cipher", create->cipher, "Object encryption: sm4-ctr-hmac-sm3 (default) or aes-256-gcm");
  c->add_option("--capacity", create->capacity, "Limit the device to this many bytes");
  c->add_option("--kdf-iterations", create->kdf_iterations,
                "PBKDF2 iterations (pbkdf2-sm3 only; default 200000)");
  c->callback([&ctx, create] { ctx.action = [&ctx, create] { return Create(ctx.global, *create); }; });
}

}  // namespace sealkey::cli
