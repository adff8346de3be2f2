#include "seal/seal_image.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "seal/canvas.h"
#include "seal/text.h"

namespace sealkey::seal {
namespace {

using detail::Canvas;
using detail::Centre;

constexpr double kDegree = std::numbers::pi / 180;

Status CheckSize(int size_px) {
  if (size_px < kMinSizePx || size_px > kMaxSizePx) {
    return Fail(ErrorCode::kInvalidArgument,
                "must be between " + std::to_string(kMinSizePx) + " and " +
                    std::to_string(kMaxSizePx) + " pixels",
                "size_px");
  }
  return Ok();
}

// Optional text: empty is fine, anything else must pass SplitChars.
Result<std::vector<std::string>> OptionalChars(std::string_view text, size_t max,
                                               std::string_view field) {
  if (text.empty()) return std::vector<std::string>{};
  return detail::SplitChars(text, max, field);
}

// The organisation name along the upper arc. Character i sits at angle
// theta_i (clockwise from 12 o'clock), turned by theta_i so its top faces
// outwards. Characters are up to 30° apart and the name spans at most 220°
// (240° for 20 characters or more); characters too wide for their share of
// the arc are narrowed (down to 55% width), then set smaller.
void DrawName(Canvas& c, const std::vector<std::string>& chars, double inner_radius) {
  const double s = c.size(), mid = s / 2;
  const size_t n = chars.size();
  // 220° for up to 12 characters, widening to 240° at 20.
  const double span = (220 + 2.5 * std::clamp(double(n) - 12, 0.0, 8.0)) * kDegree;
  const double step = n > 1 ? std::min(30 * kDegree, span / double(n - 1)) : 0;
  const double gap = 0.025 * s;
  double font = 0.13 * s;
  double r = inner_radius - gap - font / 2;
  double room = 0.9 * r * step;  // arc length per character
  if (n > 1 && room < 0.55 * font) {
    font = room / 0.55;
    r = inner_radius - gap - font / 2;
    room = 0.9 * r * step;
  }
  for (size_t i = 0; i < n; ++i) {
    const double theta = -step * double(n - 1) / 2 + step * double(i);
    const double advance = c.AdvanceWidth(chars[i], font);
    const double sx = n > 1 && advance > room ? room / advance : 1.0;
    c.DrawChar(chars[i], font, mid + r * std::sin(theta), mid - r * std::cos(theta), theta, sx, 1.0,
               Centre::kLogical, 0.02 * font);
  }
}

// Characters level, centred on (centre_x, y), narrowed to fit `max_width`
// (down to 60% width, then set smaller).
void DrawLevel(Canvas& c, const std::vector<std::string>& chars, double font, double y,
               double max_width) {
  double total = 0;
  for (const auto& ch : chars) total += c.AdvanceWidth(ch, font);
  double sx = total > max_width ? max_width / total : 1.0;
  if (sx < 0.6) {
    font *= sx / 0.6;
    total *= sx / 0.6;
    sx = 0.6;
  }
  double x = c.size() / 2 - total * sx / 2;
  for (const auto& ch : chars) {
    const double w = c.AdvanceWidth(ch, font) * sx;
    c.DrawChar(ch, font, x + w / 2, y, 0, sx, 1.0, Centre::kLogical, 0.02 * font);
    x += w;
  }
}

// The code along the bottom arc, read left to right with the characters'
// tops towards the centre. Angles alpha are measured from 6 o'clock, positive
// towards 9 o'clock: a character whose centre lies an arc length d right of
// 6 o'clock sits at alpha = -d / r and is turned by alpha. At most 100°.
void DrawCode(Canvas& c, const std::vector<std::string>& chars, double inner_radius) {
  const double s = c.size(), mid = s / 2;
  const double font = 0.05 * s;
  const double r = inner_radius - 0.015 * s - font / 2;
  std::vector<double> advance;
  double total = 0;
  for (const auto& ch : chars) total += advance.emplace_back(c.AdvanceWidth(ch, font));
  const double max_arc = 100 * kDegree * r;
  const double sx = total > max_arc ? max_arc / total : 1.0;
  double arc = -total * sx / 2;
  for (size_t i = 0; i < chars.size(); ++i) {
    const double centre = arc + advance[i] * sx / 2;
    const double alpha = -centre / r;
    c.DrawChar(chars[i], font, mid - r * std::sin(alpha), mid + r * std::cos(alpha), alpha, sx, 1.0,
               Centre::kLogical, 0.015 * font);
    arc += advance[i] * sx;
  }
}

}  // namespace

Result<Bytes> RenderRoundSeal(const RoundSealSpec& spec) {
  auto name = detail::SplitChars(spec.organisation, kMaxOrganisationChars, "organisation");
  if (!name) return Fail(name.error());
  auto centre = OptionalChars(spec.centre_text, kMaxCentreTextChars, "centre_text");
  if (!centre) return Fail(centre.error());
  auto code = OptionalChars(spec.code_text, kMaxCodeTextChars, "code_text");
  if (!code) return Fail(code.error());
  SEALKEY_RETURN_IF_ERROR(CheckSize(spec.size_px));

  auto canvas = Canvas::Create(spec.size_px);
  if (!canvas) return Fail(canvas.error());
  Canvas& c = *canvas;
  const double s = c.size(), mid = s / 2;
  // Border: 1/30 of the diameter (1.4 mm on 42 mm), kept clear of the edges
  // so its antialiased rim is not clipped.
  const double border = s / 30;
  const double border_radius = s / 2 - 0.012 * s - border / 2;
  const double inner_radius = border_radius - border / 2;
  c.StrokeCircle(mid, mid, border_radius, border);
  // Star: a third of the diameter across (14 mm on 42 mm), centred.
  const double star = s / 6;
  c.FillStar(mid, mid, star);
  DrawName(c, *name, inner_radius);
  if (!centre->empty()) {
    // Level below the star: its lowest points are at 0.809 R (cos 36°).
    const double font = 0.085 * s;
    DrawLevel(c, *centre, font, mid + 0.809 * star + 0.03 * s + font / 2, 0.44 * s);
  }
  if (!code->empty()) DrawCode(c, *code, inner_radius);
  return c.EncodePng();
}

Result<std::vector<std::string>> PersonalSealCharacters(std::string_view name) {
  auto chars = detail::SplitChars(name, SIZE_MAX, "name");
  if (!chars) return Fail(chars.error());
  for (const auto& ch : *chars) {
    if (ch == " " || ch == "\u3000") {
      return Fail(ErrorCode::kInvalidArgument, "must not contain spaces", "name");
    }
  }
  switch (chars->size()) {
    case 2:
      chars->insert(chars->end(), {"之", "印"});
      break;
    case 3:
      chars->push_back("印");
      break;
    case 4:
      break;
    default:
      return Fail(
          ErrorCode::kInvalidArgument,
          "a personal seal holds a name of 2 to 4 characters, not " + std::to_string(chars->size()),
          "name");
  }
  return chars;
}

Result<Bytes> RenderPersonalSeal(std::string_view name, int size_px) {
  auto chars = PersonalSealCharacters(name);
  if (!chars) return Fail(chars.error());
  SEALKEY_RETURN_IF_ERROR(CheckSize(size_px));

  auto canvas = Canvas::Create(size_px);
  if (!canvas) return Fail(canvas.error());
  Canvas& c = *canvas;
  const double s = c.size();
  const double margin = 0.015 * s, border = 0.07 * s, pad = 0.04 * s, gutter = 0.02 * s;
  c.StrokeSquare(margin, border);
  const double start = margin + border + pad;
  const double cell = (s - 2 * start - gutter) / 2;
  // Reading order: right column top, right bottom, left top, left bottom.
  const double right = start + cell + gutter + cell / 2, left = start + cell / 2;
  const double top = start + cell / 2, bottom = start + cell + gutter + cell / 2;
  const double centres[4][2] = {{right, top}, {right, bottom}, {left, top}, {left, bottom}};
  for (size_t i = 0; i < 4; ++i) {
    const std::string& ch = (*chars)[i];
    // Each character is stretched to fill its cell, as seal script does,
    // within limits so that thin characters (一, 二) are not blown up.
    const auto ink = c.InkSize(ch, cell);
    auto fit = [&](double extent) {
      return extent > 0 ? std::clamp(0.94 * cell / extent, 0.8, 1.35) : 1.0;
    };
    c.DrawChar(ch, cell, centres[i][0], centres[i][1], 0, fit(ink.width), fit(ink.height),
               Centre::kInk, 0.03 * cell);
  }
  return c.EncodePng();
}

}  // namespace sealkey::seal
