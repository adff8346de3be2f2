// `sealkey seal issued [--save-dir DIR]` (B12 "my seals"): the seals the
// platform issued to this account; with --save-dir each seal's image (PNG)
// and GB/T 38540 structure (.ses) are saved.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {

void RegisterSealIssuedCommand(CLI::App& seal, CommandContext& ctx) {
  auto dir = std::make_shared<std::string>();
  CLI::App* issued = seal.add_subcommand("issued", "My seals on the platform (B12)");
  issued->add_option("--save-dir", *dir, "Save each seal's image and SESeal here");
  issued->callback([&ctx, dir] {
    ctx.action = [&ctx, dir]() -> Status {
      auto list = ApiCall(ctx.global, Principal::kPerson, "GET", "/seals");
      if (!list) return Fail(list.error());
      if (!dir->empty()) {
        SEALKEY_RETURN_IF_ERROR(MakeDirs(*dir, 0700));
        for (const auto& s : (*list)["seals"]) {
          std::string id = std::to_string(s["id"].get<int64_t>());
          auto full = ApiCall(ctx.global, Principal::kPerson, "GET", "/seals/" + id);
          if (!full) return Fail(full.error());
          for (auto [key, ext] : {std::pair{"image", ".png"}, std::pair{"seal", ".ses"}}) {
            auto bytes = Base64Decode((*full)[key].get<std::string>());
            if (!bytes) return Fail(ErrorCode::kMalformed, "not base64", key);
            SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(*dir + "/seal-" + id + ext, *bytes, 0644));
          }
        }
      }
      if (ctx.global.json) PrintJson(*list);
      else PrintRows((*list)["seals"], {"id", "name", "type", "cert_serial"});
      return Ok();
    };
  });
}

}  // namespace sealkey::cli
