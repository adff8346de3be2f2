// Internal to sealkey::seal: a transparent square cairo surface on which
// everything is drawn in kSealRed, with the few primitives seals need, and
// PNG encoding. Coordinates are pixels, y down; angles are radians,
// clockwise.
#pragma once

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;

namespace sealkey::seal::detail {

// How a character is centred on the point it is drawn at.
enum class Centre {
  kLogical,  // its advance box: characters on one arc keep a common baseline
  kInk,      // its drawn strokes: a character alone in a cell looks centred
};

struct CairoDeleter {
  void operator()(cairo_t* cr) const noexcept;
  void operator()(cairo_surface_t* surface) const noexcept;
};

class Canvas {
 public:
  // kInternal if cairo cannot create the surface.
  static Result<Canvas> Create(int size_px);
  Canvas(Canvas&&) noexcept = default;
  Canvas& operator=(Canvas&&) noexcept = default;

  double size() const { return size_; }

  void StrokeCircle(double cx, double cy, double radius, double line_width);
  // An axis-aligned square whose stroke's outer edge is `inset` from the
  // image's edges.
  void StrokeSquare(double inset, double line_width);
  // A regular five-pointed star, one point up.
  void FillStar(double cx, double cy, double outer_radius);

  struct Size {
    double width = 0, height = 0;
  };
  // The advance (logical) width of `ch` set `font_px` high, and the size of
  // its drawn strokes.
  double AdvanceWidth(std::string_view ch, double font_px);
  Size InkSize(std::string_view ch, double font_px);

  // Draws the single character `ch` (UTF-8) in bold, its em `font_px` high,
  // scaled by (sx, sy), rotated by `angle` about its centre, with that centre
  // at (x, y). Strokes are thickened by `embolden` pixels.
  void DrawChar(std::string_view ch, double font_px, double x, double y, double angle, double sx,
                double sy, Centre centre, double embolden);

  // The surface as an 8-bit RGBA PNG. kInternal if cairo fails.
  Result<Bytes> EncodePng();

 private:
  struct Extents;
  Canvas(cairo_surface_t* surface, cairo_t* cr, double size)
      : surface_(surface), cr_(cr), size_(size) {}
  Extents Measure(std::string_view ch, double font_px);

  // cr_ holds its own reference to the surface.
  std::unique_ptr<cairo_surface_t, CairoDeleter> surface_;
  std::unique_ptr<cairo_t, CairoDeleter> cr_;
  double size_ = 0;
};

}  // namespace sealkey::seal::detail
