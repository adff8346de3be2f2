// `sealkey seal write|list|read|delete`: seal images on a medium (D10).
#include <iostream>

#include <CLI/CLI.hpp>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

struct SealOptions {
  std::string device, name, image, seal, out;
};

Status Write(const GlobalOptions& g, const SealOptions& o) {
  auto image = ReadFile(o.image, "--image", 1 << 20);
  if (!image) return Fail(image.error());
  auto r = CallMedia(g, {{"op", "seal.write"}, {"device", o.device}, {"name", o.name},
                         {"image", HexEncode(*image)}});
  if (!r) return Fail(r.error());
  if (g.json) PrintJson(*r);
  else std::cout << Tr("Seal written: ", "已写入印章：") << o.name << "\n";
  return Ok();
}

Status List(const GlobalOptions& g, const SealOptions& o) {
  auto r = CallMedia(g, {{"op", "seal.list"}, {"device", o.device}});
  if (!r) return Fail(r.error());
  if (g.json) {
    PrintJson(*r);
    return Ok();
  }
  if ((*r)["seals"].empty()) std::cout << Tr("No seals.", "没有印章。") << "\n";
  for (const auto& s : (*r)["seals"]) {
    std::cout << "  " << s.value("ref", "") << "  " << s.value("name", "") << "  ("
              << s.value("mime", "") << ", " << s.value("size", 0) << " bytes)\n";
  }
  return Ok();
}

Status Read(const GlobalOptions& g, const SealOptions& o) {
  auto r = CallMedia(g, {{"op", "seal.read"}, {"device", o.device}, {"seal", o.seal}});
  if (!r) return Fail(r.error());
  auto image = HexDecode((*r)["image"].get<std::string>());
  SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(o.out, *image, 0600));
  if (g.json) PrintJson({{"out", o.out}, {"size", image->size()}});
  else std::cout << Tr("Seal saved to ", "印章已保存到 ") << o.out << "\n";
  return Ok();
}

Status Delete(const GlobalOptions& g, const SealOptions& o) {
  auto r = CallMedia(g, {{"op", "seal.delete"}, {"device", o.device}, {"seal", o.seal}});
  if (!r) return Fail(r.error());
  if (!g.json) std::cout << Tr("Seal deleted.", "印章已删除。") << "\n";
  return Ok();
}

}  // namespace

void RegisterSealIssuedCommand(CLI::App& seal, CommandContext& ctx);  // seal_issued_commands.cc

void RegisterSealCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* seal = app.add_subcommand("seal", "Seal images on a medium (D10) and my seals (B12)");
  seal->require_subcommand(1);
  RegisterSealIssuedCommand(*seal, ctx);
  auto o = std::make_shared<SealOptions>();
  auto with_device = [&](CLI::App* c) {
    c->add_option("--device,-d", o->device, "Device id, serial or label")->required();
  };
  CLI::App* w = seal->add_subcommand("write", "Write a seal image (PNG or JPEG, up to 1 MiB)");
  with_device(w);
  w->add_option("--name,-n", o->name, "Seal name")->required();
  w->add_option("--image", o->image, "Image file")->required();
  w->callback([&ctx, o] { ctx.action = [&ctx, o] { return Write(ctx.global, *o); }; });
  CLI::App* l = seal->add_subcommand("list", "List the seals on a device");
  with_device(l);
  l->callback([&ctx, o] { ctx.action = [&ctx, o] { return List(ctx.global, *o); }; });
  CLI::App* r = seal->add_subcommand("read", "Save a seal image (asks the PIN)");
  with_device(r);
  r->add_option("--seal,-s", o->seal, "Seal ref or name")->required();
  r->add_option("--out,-o", o->out, "Output file")->required();
  r->callback([&ctx, o] { ctx.action = [&ctx, o] { return Read(ctx.global, *o); }; });
  CLI::App* d = seal->add_subcommand("delete", "Delete a seal (asks the PIN)");
  with_device(d);
  d->add_option("--seal,-s", o->seal, "Seal ref or name")->required();
  d->callback([&ctx, o] { ctx.action = [&ctx, o] { return Delete(ctx.global, *o); }; });
}

}  // namespace sealkey::cli
