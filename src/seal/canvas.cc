#include "seal/canvas.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <cmath>
#include <numbers>

#include "seal/seal_image.h"  // kSealRed

namespace sealkey::seal::detail {
namespace {

// Tried in order; pango falls back per character to whatever covers it.
constexpr const char* kFontFamilies = "Noto Serif CJK SC,WenQuanYi Zen Hei";

struct GObjectUnref {
  void operator()(void* p) const noexcept { g_object_unref(p); }
};
struct FontDescFree {
  void operator()(PangoFontDescription* d) const noexcept { pango_font_description_free(d); }
};
struct FontOptionsFree {
  void operator()(cairo_font_options_t* o) const noexcept { cairo_font_options_destroy(o); }
};

// A layout holding `ch` in the seal font: bold, `font_px` device pixels per
// em under the context's current transform, unhinted (glyphs are rotated and
// scaled, so pixel-grid hinting would only distort them).
std::unique_ptr<PangoLayout, GObjectUnref> MakeLayout(cairo_t* cr, std::string_view ch,
                                                      double font_px) {
  std::unique_ptr<PangoLayout, GObjectUnref> layout(pango_cairo_create_layout(cr));
  std::unique_ptr<cairo_font_options_t, FontOptionsFree> options(cairo_font_options_create());
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options(pango_layout_get_context(layout.get()), options.get());
  pango_layout_context_changed(layout.get());

  std::unique_ptr<PangoFontDescription, FontDescFree> desc(
      pango_font_description_from_string(kFontFamilies));
  pango_font_description_set_weight(desc.get(), PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size(desc.get(), font_px * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_set_text(layout.get(), ch.data(), static_cast<int>(ch.size()));
  return layout;
}

void SetRed(cairo_t* cr) {
  cairo_set_source_rgb(cr, kSealRed[0] / 255.0, kSealRed[1] / 255.0, kSealRed[2] / 255.0);
}

cairo_status_t AppendToBytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

void CairoDeleter::operator()(cairo_t* cr) const noexcept { cairo_destroy(cr); }
void CairoDeleter::operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }

struct Canvas::Extents {
  PangoRectangle ink;      // pixels
  PangoRectangle logical;  // pixels
};

Result<Canvas> Canvas::Create(int size_px) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size_px, size_px);
  cairo_t* cr = cairo_create(surface);  // takes its own reference
  Canvas canvas(surface, cr, size_px);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS ||
      cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal, "cairo could not create a surface");
  }
  // A new image surface is fully transparent; everything drawn is red.
  SetRed(cr);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_GRAY);
  return canvas;
}

void Canvas::StrokeCircle(double cx, double cy, double radius, double line_width) {
  cairo_t* cr = cr_.get();
  cairo_new_path(cr);
  cairo_arc(cr, cx, cy, radius, 0, 2 * std::numbers::pi);
  cairo_set_line_width(cr, line_width);
  cairo_stroke(cr);
}

void Canvas::StrokeSquare(double inset, double line_width) {
  cairo_t* cr = cr_.get();
  const double half = line_width / 2;
  cairo_new_path(cr);
  cairo_rectangle(cr, inset + half, inset + half, size_ - 2 * (inset + half),
                  size_ - 2 * (inset + half));
  cairo_set_line_width(cr, line_width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  cairo_stroke(cr);
}

void Canvas::FillStar(double cx, double cy, double outer_radius) {
  // The inner vertices of a regular pentagram lie at R * sin 18° / sin 126°.
  const double inner =
      outer_radius * std::sin(std::numbers::pi / 10) / std::sin(7 * std::numbers::pi / 10);
  cairo_t* cr = cr_.get();
  cairo_new_path(cr);
  for (int k = 0; k < 10; ++k) {
    const double r = k % 2 == 0 ? outer_radius : inner;
    const double a = -std::numbers::pi / 2 + k * std::numbers::pi / 5;
    cairo_line_to(cr, cx + r * std::cos(a), cy + r * std::sin(a));
  }
  cairo_close_path(cr);
  cairo_fill(cr);
}

Canvas::Extents Canvas::Measure(std::string_view ch, double font_px) {
  cairo_t* cr = cr_.get();
  cairo_save(cr);
  cairo_identity_matrix(cr);
  auto layout = MakeLayout(cr, ch, font_px);
  Extents e;
  pango_layout_get_pixel_extents(layout.get(), &e.ink, &e.logical);
  cairo_restore(cr);
  return e;
}

double Canvas::AdvanceWidth(std::string_view ch, double font_px) {
  return Measure(ch, font_px).logical.width;
}

Canvas::Size Canvas::InkSize(std::string_view ch, double font_px) {
  const Extents e = Measure(ch, font_px);
  return {double(e.ink.width), double(e.ink.height)};
}

void Canvas::DrawChar(std::string_view ch, double font_px, double x, double y, double angle,
                      double sx, double sy, Centre centre, double embolden) {
  cairo_t* cr = cr_.get();
  cairo_save(cr);
  cairo_new_path(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  cairo_scale(cr, sx, sy);
  auto layout = MakeLayout(cr, ch, font_px);
  // Extents in pango units, so the centring keeps sub-pixel precision.
  PangoRectangle ink, logical;
  pango_layout_get_extents(layout.get(), &ink, &logical);
  const PangoRectangle& box = centre == Centre::kInk ? ink : logical;
  cairo_move_to(cr, -(box.x + box.width / 2.0) / PANGO_SCALE,
                -(box.y + box.height / 2.0) / PANGO_SCALE);
  pango_cairo_layout_path(cr, layout.get());
  // Fill, then stroke the same outline with a device-space pen to thicken
  // the strokes evenly whatever the scaling.
  cairo_identity_matrix(cr);
  cairo_fill_preserve(cr);
  if (embolden > 0) {
    cairo_set_line_width(cr, embolden);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
  }
  cairo_new_path(cr);
  cairo_restore(cr);
}

Result<Bytes> Canvas::EncodePng() {
  cairo_surface_flush(surface_.get());
  Bytes png;
  if (cairo_status(cr_.get()) != CAIRO_STATUS_SUCCESS ||
      cairo_surface_write_to_png_stream(surface_.get(), AppendToBytes, &png) !=
          CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal, "cairo could not encode the seal image");
  }
  return png;
}

}  // namespace sealkey::seal::detail
