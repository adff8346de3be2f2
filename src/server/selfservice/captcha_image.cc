// RenderCaptcha: cairo drawing of a captcha's text over noise.
#include <cairo.h>

#include <cmath>
#include <memory>

#include "server/selfservice/captcha.h"

namespace sealkey::server {
namespace {

constexpr int kWidth = 200, kHeight = 70;

// Deterministic choices from the seed: each call takes the next byte.
class Dice {
 public:
  explicit Dice(ByteView seed) : seed_(seed) {}
  // Uniform in [lo, hi].
  double Between(double lo, double hi) {
    uint8_t b = seed_.empty() ? 0 : seed_[next_++ % seed_.size()];
    // Mix in the position so a short seed does not repeat visibly.
    b = static_cast<uint8_t>(b ^ (next_ * 37u));
    return lo + (hi - lo) * (b / 255.0);
  }

 private:
  ByteView seed_;
  size_t next_ = 0;
};

cairo_status_t AppendPng(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const noexcept { cairo_destroy(cr); }
};

}  // namespace

Result<Bytes> RenderCaptcha(const std::string& text, ByteView noise_seed) {
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, kWidth, kHeight));
  std::unique_ptr<cairo_t, ContextDeleter> cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal, "cairo cannot draw the captcha", "captcha");
  }
  Dice dice(noise_seed);
  cairo_t* c = cr.get();
  cairo_set_source_rgb(c, dice.Between(0.85, 1), dice.Between(0.85, 1), dice.Between(0.85, 1));
  cairo_paint(c);
  // Lines behind the text.
  for (int i = 0; i < 5; ++i) {
    cairo_set_source_rgb(c, dice.Between(0.3, 0.7), dice.Between(0.3, 0.7), dice.Between(0.3, 0.7));
    cairo_set_line_width(c, dice.Between(1, 2.5));
    cairo_move_to(c, dice.Between(0, kWidth / 3.0), dice.Between(0, kHeight));
    cairo_curve_to(c, dice.Between(0, kWidth), dice.Between(0, kHeight), dice.Between(0, kWidth),
                   dice.Between(0, kHeight), dice.Between(kWidth * 2 / 3.0, kWidth),
                   dice.Between(0, kHeight));
    cairo_stroke(c);
  }
  cairo_select_font_face(c, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  double cell = static_cast<double>(kWidth - 20) / static_cast<double>(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char ch[2] = {text[i], 0};
    cairo_save(c);
    cairo_set_font_size(c, dice.Between(34, 44));
    cairo_text_extents_t ext;
    cairo_text_extents(c, ch, &ext);
    double cx = 10 + cell * (static_cast<double>(i) + 0.5) + dice.Between(-4, 4);
    double cy = kHeight / 2.0 + dice.Between(-6, 6);
    cairo_translate(c, cx, cy);
    cairo_rotate(c, dice.Between(-0.45, 0.45));
    cairo_set_source_rgb(c, dice.Between(0, 0.45), dice.Between(0, 0.45), dice.Between(0, 0.45));
    cairo_move_to(c, -(ext.x_bearing + ext.width / 2), -(ext.y_bearing + ext.height / 2));
    cairo_show_text(c, ch);
    cairo_restore(c);
  }
  // Lines and dots over the text.
  for (int i = 0; i < 3; ++i) {
    cairo_set_source_rgb(c, dice.Between(0.1, 0.5), dice.Between(0.1, 0.5), dice.Between(0.1, 0.5));
    cairo_set_line_width(c, dice.Between(1, 2));
    cairo_move_to(c, 0, dice.Between(0, kHeight));
    cairo_curve_to(c, dice.Between(0, kWidth), dice.Between(0, kHeight), dice.Between(0, kWidth),
                   dice.Between(0, kHeight), kWidth, dice.Between(0, kHeight));
    cairo_stroke(c);
  }
  for (int i = 0; i < 250; ++i) {
    cairo_set_source_rgb(c, dice.Between(0, 1), dice.Between(0, 1), dice.Between(0, 1));
    cairo_arc(c, dice.Between(0, kWidth), dice.Between(0, kHeight), dice.Between(0.5, 1.3), 0,
              2 * M_PI);
    cairo_fill(c);
  }
  cairo_surface_flush(surface.get());
  Bytes png;
  if (cairo_surface_write_to_png_stream(surface.get(), AppendPng, &png) != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal, "cairo cannot encode the captcha", "captcha");
  }
  return png;
}

}  // namespace sealkey::server
