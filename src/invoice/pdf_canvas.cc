#include "invoice/pdf_canvas.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <string>

namespace sealkey::invoice {
namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;

cairo_status_t AppendToBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<Bytes*>(closure)->insert(static_cast<Bytes*>(closure)->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

struct PngReader {
  ByteView data;
  size_t offset = 0;
};

cairo_status_t ReadFromView(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<PngReader*>(closure);
  if (reader->data.size() - reader->offset < length) return CAIRO_STATUS_READ_ERROR;
  std::copy_n(reader->data.data() + reader->offset, length, data);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

void SetColor(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

}  // namespace

struct PdfCanvas::Layout {
  PangoLayout* layout = nullptr;
  ~Layout() {
    if (layout != nullptr) g_object_unref(layout);
  }
  double Width() const {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    return static_cast<double>(logical.width) / PANGO_SCALE;
  }
  double Height() const {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    return static_cast<double>(logical.height) / PANGO_SCALE;
  }
};

Result<std::unique_ptr<PdfCanvas>> PdfCanvas::Create(double width_mm, double height_mm,
                                                     std::string_view font_family) {
  std::unique_ptr<PdfCanvas> canvas(new PdfCanvas());
  canvas->surface_ = cairo_pdf_surface_create_for_stream(
      AppendToBytes, &canvas->out_, width_mm * kPointsPerMm, height_mm * kPointsPerMm);
  if (cairo_surface_status(canvas->surface_) != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal, "cairo cannot create a PDF surface");
  }
  canvas->cr_ = cairo_create(canvas->surface_);
  cairo_scale(canvas->cr_, kPointsPerMm, kPointsPerMm);  // user units are millimetres
  canvas->font_ = pango_font_description_from_string(std::string(font_family).c_str());
  return canvas;
}

PdfCanvas::~PdfCanvas() {
  if (font_ != nullptr) pango_font_description_free(font_);
  if (cr_ != nullptr) cairo_destroy(cr_);
  if (surface_ != nullptr) cairo_surface_destroy(surface_);
}

void PdfCanvas::SetMetadata(int key, std::string_view value) {
  cairo_pdf_surface_set_metadata(surface_, static_cast<cairo_pdf_metadata_t>(key),
                                 std::string(value).c_str());
}

std::unique_ptr<PdfCanvas::Layout> PdfCanvas::MakeLayout(double width, std::string_view text,
                                                         const TextStyle& style) {
  auto result = std::make_unique<Layout>();
  result->layout = pango_cairo_create_layout(cr_);
  PangoContext* context = pango_layout_get_context(result->layout);
  // Unhinted metrics: with millimetre user units, hinting would round every
  // advance to a whole millimetre.
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(context, options);
  cairo_font_options_destroy(options);
  pango_context_set_round_glyph_positions(context, FALSE);
  pango_layout_context_changed(result->layout);

  pango_font_description_set_absolute_size(font_, style.size_mm * PANGO_SCALE);
  pango_font_description_set_weight(font_, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(result->layout, font_);
  if (style.wrap) {
    pango_layout_set_width(result->layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(result->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(result->layout, style.align == Align::kCenter  ? PANGO_ALIGN_CENTER
                                               : style.align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                                              : PANGO_ALIGN_LEFT);
  }
  pango_layout_set_text(result->layout, text.data(), static_cast<int>(text.size()));
  return result;
}

double PdfCanvas::MeasureText(double width, std::string_view text, const TextStyle& style) {
  return MakeLayout(width, text, style)->Height();
}

double PdfCanvas::TextWidth(std::string_view text, const TextStyle& style) {
  TextStyle one_line = style;
  one_line.wrap = false;
  return MakeLayout(0, text, one_line)->Width();
}

double PdfCanvas::Text(double x, double y, double width, std::string_view text,
                       const TextStyle& style) {
  auto layout = MakeLayout(width, text, style);
  double left = x;
  if (!style.wrap && style.align != Align::kLeft) {
    const double slack = width - layout->Width();
    left += style.align == Align::kCenter ? slack / 2 : slack;
  }
  SetColor(cr_, style.color);
  cairo_move_to(cr_, left, y);
  pango_cairo_show_layout(cr_, layout->layout);
  return layout->Height();
}

void PdfCanvas::Line(double x1, double y1, double x2, double y2, double width_mm, Rgb color) {
  SetColor(cr_, color);
  cairo_set_line_width(cr_, width_mm);
  cairo_move_to(cr_, x1, y1);
  cairo_line_to(cr_, x2, y2);
  cairo_stroke(cr_);
}

void PdfCanvas::Rect(double x, double y, double w, double h, double width_mm, Rgb color) {
  SetColor(cr_, color);
  cairo_set_line_width(cr_, width_mm);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_stroke(cr_);
}

void PdfCanvas::CircledCross(double x, double y, double size, double width_mm, Rgb color) {
  const double r = size / 2, cx = x + r, cy = y + r, d = r * 0.5;
  SetColor(cr_, color);
  cairo_set_line_width(cr_, width_mm);
  cairo_new_path(cr_);
  cairo_arc(cr_, cx, cy, r - width_mm / 2, 0, 2 * G_PI);
  cairo_stroke(cr_);
  cairo_move_to(cr_, cx - d, cy - d);
  cairo_line_to(cr_, cx + d, cy + d);
  cairo_move_to(cr_, cx + d, cy - d);
  cairo_line_to(cr_, cx - d, cy + d);
  cairo_stroke(cr_);
}

Status PdfCanvas::Png(double x, double y, double size, ByteView png) {
  PngReader reader{png};
  cairo_surface_t* image = cairo_image_surface_create_from_png_stream(ReadFromView, &reader);
  if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(image);
    return Fail(ErrorCode::kInternal, "cairo cannot read the QR code image");
  }
  const int w = cairo_image_surface_get_width(image);
  const int h = cairo_image_surface_get_height(image);
  cairo_save(cr_);
  cairo_translate(cr_, x, y);
  cairo_scale(cr_, size / w, size / h);
  cairo_set_source_surface(cr_, image, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_NEAREST);
  cairo_paint(cr_);
  cairo_restore(cr_);
  cairo_surface_destroy(image);
  return Ok();
}

Result<Bytes> PdfCanvas::Finish() {
  cairo_show_page(cr_);
  const cairo_status_t drawing = cairo_status(cr_);
  cairo_destroy(cr_);
  cr_ = nullptr;
  cairo_surface_finish(surface_);
  const cairo_status_t writing = cairo_surface_status(surface_);
  cairo_surface_destroy(surface_);
  surface_ = nullptr;
  if (drawing != CAIRO_STATUS_SUCCESS || writing != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kInternal,
                std::string("cairo could not write the PDF: ") +
                    cairo_status_to_string(drawing != CAIRO_STATUS_SUCCESS ? drawing : writing));
  }
  return std::move(out_);
}

}  // namespace sealkey::invoice
