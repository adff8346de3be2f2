#include "token/file/device_state.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/digest.h"

namespace sealkey::token::file {
namespace {

using nlohmann::json;

constexpr std::string_view kMagic = "SEALKEY-DEVICE";

struct ParseError {
  std::string message;
};

std::string B64(const Bytes& b) { return Base64Encode(b); }

Bytes UnB64(const json& j, const char* key) {
  auto v = Base64Decode(j.at(key).get<std::string>());
  if (!v) throw ParseError{std::string("field '") + key + "' is not base64"};
  return *v;
}

json PinToJson(const PinRecord& p) {
  return {{"max_tries", p.max_tries}, {"tries_left", p.tries_left}, {"salt", B64(p.salt)},
          {"wrapped_key", B64(p.wrapped_key)}};
}

PinRecord PinFromJson(const json& j) {
  PinRecord p;
  p.max_tries = j.at("max_tries").get<int>();
  p.tries_left = j.at("tries_left").get<int>();
  p.salt = UnB64(j, "salt");
  p.wrapped_key = UnB64(j, "wrapped_key");  // empty: not initialised
  if (p.max_tries < 1 || p.max_tries > 100 || p.tries_left < 0 || p.tries_left > p.max_tries) {
    throw ParseError{"PIN retry counters are out of range"};
  }
  return p;
}

ObjectClass ClassFromToken(const std::string& t) {
  if (t == "private_key") return ObjectClass::kPrivateKey;
  if (t == "public_key") return ObjectClass::kPublicKey;
  if (t == "certificate") return ObjectClass::kCertificate;
  if (t == "seal") return ObjectClass::kSeal;
  if (t == "data") return ObjectClass::kData;
  throw ParseError{"unknown object class '" + t + "'"};
}

}  // namespace

std::string_view ObjectClassToken(ObjectClass cls) {
  switch (cls) {
    case ObjectClass::kPrivateKey: return "private_key";
    case ObjectClass::kPublicKey: return "public_key";
    case ObjectClass::kCertificate: return "certificate";
    case ObjectClass::kSeal: return "seal";
    case ObjectClass::kData: return "data";
  }
  return "?";
}

Bytes SerializeState(const DeviceState& s) {
  json kdf = {{"alg", crypto::KdfAlgToken(s.kdf.alg)}};
  if (s.kdf.alg == crypto::KdfParams::Alg::kArgon2id) {
    kdf["ops"] = s.kdf.ops;
    kdf["mem"] = s.kdf.mem;
  } else {
    kdf["iterations"] = s.kdf.iterations;
  }
  json objects = json::array();
  for (const auto& o : s.objects) {
    json jo = {{"ref", o.ref}, {"class", ObjectClassToken(o.cls)}, {"private", o.is_private},
               {"value", B64(o.value)}};
    if (!o.container.empty()) jo["container"] = o.container;
    if (o.usage) jo["usage"] = KeyUsageToken(*o.usage);
    if (!o.name.empty()) jo["name"] = o.name;
    if (!o.mime.empty()) jo["mime"] = o.mime;
    if (!o.id.empty()) jo["id"] = HexEncode(o.id);
    if (!o.subject.empty()) jo["subject"] = HexEncode(o.subject);
    if (o.sign_and_decrypt) jo["sign_and_decrypt"] = true;
    objects.push_back(std::move(jo));
  }
  json body = {{"format", kFormatVersion}, {"serial", s.serial},   {"label", s.label},
               {"manufacturer", s.manufacturer}, {"model", s.model}, {"created", s.created},
               {"aead", crypto::AeadToken(s.aead)}, {"kdf", kdf},    {"user_pin", PinToJson(s.user)},
               {"so_pin", PinToJson(s.so)}, {"objects", objects}};
  if (s.capacity) body["capacity"] = *s.capacity;
  std::string text = body.dump(1);
  std::string header = std::string(kMagic) + " " + std::to_string(kFormatVersion) + " sm3=" +
                       HexEncode(crypto::Hash(crypto::HashAlg::kSm3, AsBytes(text))) + "\n";
  return ToBytes(header + text);
}

Result<DeviceState> ParseState(ByteView file) {
  std::string_view all = AsChars(file);
  size_t nl = all.find('\n');
  if (nl == std::string_view::npos || !all.starts_with(kMagic)) {
    return Fail(ErrorCode::kMalformed, "not a sealkey device file (bad header)", "device");
  }
  std::string_view header = all.substr(0, nl);
  std::string_view body = all.substr(nl + 1);
  std::string expect_prefix = std::string(kMagic) + " " + std::to_string(kFormatVersion) + " sm3=";
  if (!header.starts_with(expect_prefix)) {
    return Fail(ErrorCode::kUnsupported,
                "device file format '" + std::string(header.substr(0, 40)) + "' is not supported",
                "device");
  }
  std::string sum = HexEncode(crypto::Hash(crypto::HashAlg::kSm3, AsBytes(body)));
  if (header.substr(expect_prefix.size()) != sum) {
    return Fail(ErrorCode::kMalformed,
                "device file is corrupted or truncated (checksum mismatch)", "device");
  }
  try {
    json j = json::parse(body);
    DeviceState s;
    s.serial = j.at("serial").get<std::string>();
    s.label = j.at("label").get<std::string>();
    s.manufacturer = j.at("manufacturer").get<std::string>();
    s.model = j.at("model").get<std::string>();
    s.created = j.at("created").get<int64_t>();
    auto aead = crypto::ParseAeadAlg(j.at("aead").get<std::string>());
    if (!aead) throw ParseError{aead.error().message};
    s.aead = *aead;
    const json& kdf = j.at("kdf");
    auto alg = crypto::ParseKdfAlg(kdf.at("alg").get<std::string>());
    if (!alg) throw ParseError{alg.error().message};
    s.kdf.alg = *alg;
    if (s.kdf.alg == crypto::KdfParams::Alg::kArgon2id) {
      s.kdf.ops = kdf.at("ops").get<uint64_t>();
      s.kdf.mem = kdf.at("mem").get<uint64_t>();
    } else {
      s.kdf.iterations = kdf.at("iterations").get<uint32_t>();
    }
    if (j.contains("capacity")) s.capacity = j.at("capacity").get<uint64_t>();
    s.user = PinFromJson(j.at("user_pin"));
    s.so = PinFromJson(j.at("so_pin"));
    for (const json& jo : j.at("objects")) {
      StoredObject o;
      o.ref = jo.at("ref").get<std::string>();
      o.cls = ClassFromToken(jo.at("class").get<std::string>());
      o.is_private = jo.at("private").get<bool>();
      o.value = UnB64(jo, "value");
      o.container = jo.value("container", "");
      if (jo.contains("usage")) {
        o.usage = jo.at("usage").get<std::string>() == "encrypt" ? KeyUsage::kEncrypt
                                                                  : KeyUsage::kSign;
      }
      o.name = jo.value("name", "");
      o.mime = jo.value("mime", "");
      o.sign_and_decrypt = jo.value("sign_and_decrypt", false);
      if (jo.contains("subject")) {
        auto subject = HexDecode(jo.at("subject").get<std::string>());
        if (!subject) throw ParseError{"object subject is not hex"};
        o.subject = *subject;
      }
      if (jo.contains("id")) {
        auto id = HexDecode(jo.at("id").get<std::string>());
        if (!id) throw ParseError{"object id is not hex"};
        o.id = *id;
      }
      s.objects.push_back(std::move(o));
    }
    return s;
  } catch (const ParseError& e) {
    return Fail(ErrorCode::kMalformed, "device file: " + e.message, "device");
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kMalformed, std::string("device file: ") + e.what(), "device");
  }
}

}  // namespace sealkey::token::file
