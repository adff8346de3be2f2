// Seal images (D10): the red impressions placed on documents, rendered as
// transparent PNGs with cairo + pango and a bold CJK serif font (Noto Serif
// CJK SC Bold, falling back to WenQuanYi Zen Hei; both come from
// scripts/setup-deps).
//
// Every pixel drawn is kSealRed at some opacity; everything else is fully
// transparent, so the image can be laid over any document. Rendering is
// deterministic for a given input and font set. The functions may be called
// from several threads at once: each call owns its surface and pango uses a
// per-thread font map.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "image/raster.h"

namespace sealkey::seal {

// #E60000, the vermilion of official seals.
inline constexpr uint8_t kSealRed[3] = {0xe6, 0x00, 0x00};

// Limits checked by the renderers (kInvalidArgument naming the field).
inline constexpr size_t kMaxOrganisationChars = 40;
inline constexpr size_t kMaxCentreTextChars = 12;
inline constexpr size_t kMaxCodeTextChars = 24;
inline constexpr int kMinSizePx = 64;
inline constexpr int kMaxSizePx = 4096;

// A round organisation seal (公章), after the usual 42 mm layout: a border
// 1/30 of the diameter thick, the organisation name in bold around the upper
// arc (each character's top facing outwards; up to 30° apart over at most
// 220°, 240° for long names, which are narrowed), a five-pointed star a third of the
// diameter wide in the middle, `centre_text` (e.g. "合同专用章") level below
// the star, and `code_text` (e.g. the 13-digit seal code) small along the
// bottom arc, reading left to right.
struct RoundSealSpec {
  std::string organisation;  // UTF-8, 1..40 characters, required
  std::string centre_text;   // UTF-8, 0..12 characters
  std::string code_text;     // UTF-8, 0..24 characters
  int size_px = 600;         // the image is size_px x size_px (600 ≈ 42 mm at 360 dpi)
};

// A PNG (8-bit RGBA). Errors: kInvalidArgument naming "organisation",
// "centre_text", "code_text" (empty organisation, too long, not UTF-8,
// control characters) or "size_px" (outside 64..4096); kInternal if cairo
// fails.
Result<Bytes> RenderRoundSeal(const RoundSealSpec& spec);

// The four characters of a personal seal (私章) in reading order: a
// two-character name gets "之印" ("张三" -> 张 三 之 印), a three-character
// one "印", a four-character one stays as it is. kInvalidArgument naming
// "name" for other lengths (after the checks of RenderRoundSeal's texts).
Result<std::vector<std::string>> PersonalSealCharacters(std::string_view name);

// A square personal seal: a red square border and the four characters above
// in a 2x2 grid read top to bottom, right column first (right: 1 2, left:
// 3 4), each filling its cell. Errors as PersonalSealCharacters, and
// "size_px" outside 64..4096.
Result<Bytes> RenderPersonalSeal(std::string_view name, int size_px = 400);

// A decoded image: rows top to bottom, 4 bytes per pixel (R, G, B, A, not
// premultiplied).
using RgbaImage = image::RgbaImage;

// Decodes a PNG (any colour type libpng reads). kMalformed naming "png" if it
// is not one, kOutOfRange if it is wider or higher than 8192 pixels.
Result<RgbaImage> DecodePng(ByteView png);

// An image the applicant brings instead of a rendered one (seal_upload.cc).
inline constexpr size_t kMaxUploadBytes = 1 << 20;
inline constexpr int kMinUploadSidePx = 64;
inline constexpr int kMaxUploadSidePx = 2048;

struct UploadedImage {
  Bytes png;  // 8-bit RGBA PNG, no ancillary chunks, at most 1 MiB
  int width = 0;
  int height = 0;
};

// Accepts an uploaded seal image: PNG or JPEG by content (never by name),
// at most kMaxUploadBytes, kMinUploadSidePx..kMaxUploadSidePx pixels each
// side, fully decodable and not entirely transparent; re-encoded as an RGBA
// PNG (a PNG keeps its transparency, a JPEG becomes opaque) that must still
// fit a SESeal picture (1 MiB). Errors: kInvalidArgument naming `field`, with
// English and Chinese messages.
Result<UploadedImage> AcceptUploadedImage(ByteView upload, const char* field);

}  // namespace sealkey::seal
