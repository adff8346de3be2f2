// A thin drawing surface over cairo's PDF backend and pango, in millimetres,
// for one-page documents: text boxes, lines, rectangles and PNG images.
// Private to sealkey::invoice (cairo and pango stay out of invoice.h).
//
// Text is laid out with hinting and glyph-position rounding off, so what
// pango measures is what the PDF shows at any zoom. Not thread-safe; one
// canvas per document.
#pragma once

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;
typedef struct _PangoFontDescription PangoFontDescription;

namespace sealkey::invoice {

struct Rgb {
  double r = 0, g = 0, b = 0;
};

enum class Align { kLeft, kCenter, kRight };

struct TextStyle {
  double size_mm = 3.0;  // the font's em size
  Rgb color;
  Align align = Align::kLeft;
  bool wrap = false;  // break lines to the box width (else one line, may overflow)
  bool bold = false;
};

class PdfCanvas {
 public:
  // A page of width_mm × height_mm; `font_family` is a fontconfig family list.
  static Result<std::unique_ptr<PdfCanvas>> Create(double width_mm, double height_mm,
                                                   std::string_view font_family);
  ~PdfCanvas();
  PdfCanvas(const PdfCanvas&) = delete;
  PdfCanvas& operator=(const PdfCanvas&) = delete;

  // Document information dictionary entries (cairo_pdf_metadata_t values).
  void SetMetadata(int key, std::string_view value);

  // Draws `text` (UTF-8) in the box starting at (x, y) of `width`, top-aligned;
  // returns the height it took. MeasureText only measures.
  double Text(double x, double y, double width, std::string_view text, const TextStyle& style);
  double MeasureText(double width, std::string_view text, const TextStyle& style);
  // The natural width of `text` on one line.
  double TextWidth(std::string_view text, const TextStyle& style);

  void Line(double x1, double y1, double x2, double y2, double width_mm, Rgb color);
  void Rect(double x, double y, double w, double h, double width_mm, Rgb color);
  // A circle of diameter `size` at (x, y) (top-left) with a diagonal cross:
  // the ⓧ that guards the start of an amount in capitals.
  void CircledCross(double x, double y, double size, double width_mm, Rgb color);

  // A PNG scaled to the square box with nearest-neighbour sampling (crisp QR
  // modules at any resolution). kInternal if cairo cannot read it.
  Status Png(double x, double y, double size, ByteView png);

  // Ends the page and the document; the canvas is spent afterwards.
  Result<Bytes> Finish();

 private:
  PdfCanvas() = default;
  struct Layout;
  std::unique_ptr<Layout> MakeLayout(double width, std::string_view text, const TextStyle& style);

  Bytes out_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  PangoFontDescription* font_ = nullptr;
};

}  // namespace sealkey::invoice
