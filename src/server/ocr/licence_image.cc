#include "server/ocr/licence_image.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>
#include <string>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include "server/ocr/licence_ocr.h"

namespace sealkey::server {
namespace {

enum class Kind { kUnknown, kJpeg, kPng, kPdf };

bool StartsWith(ByteView data, std::string_view magic) {
  return data.size() >= magic.size() && std::memcmp(data.data(), magic.data(), magic.size()) == 0;
}

Kind Sniff(ByteView data) {
  if (StartsWith(data, "\xFF\xD8\xFF")) return Kind::kJpeg;
  if (StartsWith(data, "\x89PNG\r\n\x1A\n")) return Kind::kPng;
  if (StartsWith(data, "%PDF-")) return Kind::kPdf;
  return Kind::kUnknown;
}

void DropPopplerMessage(const std::string&, void*) {}

// poppler prints every syntax error of a broken PDF to stderr; here each
// failure becomes an Error instead.
void SilencePoppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(DropPopplerMessage, nullptr); });
}

// At most kMaxOcrSide a side.
Result<PixPtr> ScaleForOcr(Result<PixPtr> pix, const char* field) {
  if (!pix) return pix;
  const int side = std::max(pixGetWidth(pix->get()), pixGetHeight(pix->get()));
  if (side <= kMaxOcrSide) return pix;
  const float f = static_cast<float>(kMaxOcrSide) / static_cast<float>(side);
  const int res = pixGetXRes(pix->get());
  PixPtr scaled(pixScale(pix->get(), f, f));
  if (!scaled) return Fail(ErrorCode::kInternal, "out of memory scaling the image", field);
  if (res > 0) pixSetResolution(scaled.get(), static_cast<int>(res * f), static_cast<int>(res * f));
  return scaled;
}

Result<PixPtr> RenderPdfFirstPage(ByteView data, const char* field) {
  if (data.size() > INT_MAX) return ImageError(field, "the PDF is too large", "PDF 文件过大");
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(
      reinterpret_cast<const char*>(data.data()), static_cast<int>(data.size())));
  if (!doc) return ImageError(field, "not a readable PDF", "不是可读取的 PDF 文件");
  if (doc->is_locked()) return ImageError(field, "the PDF is encrypted", "PDF 文件已加密");
  if (doc->pages() < 1) return ImageError(field, "the PDF has no pages", "PDF 文件没有页面");
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  if (!page) return ImageError(field, "the PDF's first page cannot be read", "无法读取 PDF 第一页");

  // page_rect is in points (1/72 inch); keep the rendering under kMaxOcrSide.
  const poppler::rectf rect = page->page_rect();
  const double side_pt = std::max(rect.width(), rect.height());
  if (!(side_pt > 1.0)) return ImageError(field, "the PDF's first page is empty", "PDF 第一页为空");
  const double dpi = std::min<double>(kPdfDpi, kMaxOcrSide * 72.0 / side_pt);

  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing);
  renderer.set_image_format(poppler::image::format_gray8);
  const poppler::image img = renderer.render_page(page.get(), dpi, dpi);
  if (!img.is_valid() || img.format() != poppler::image::format_gray8 || img.width() <= 0 ||
      img.height() <= 0) {
    return ImageError(field, "the PDF's first page cannot be rendered", "无法渲染 PDF 第一页");
  }

  PixPtr pix(pixCreate(img.width(), img.height(), 8));
  if (!pix) return Fail(ErrorCode::kInternal, "out of memory rendering the PDF", field);
  const int wpl = pixGetWpl(pix.get());
  l_uint32* out = pixGetData(pix.get());
  for (int y = 0; y < img.height(); ++y) {
    const auto* row = reinterpret_cast<const uint8_t*>(img.const_data()) +
                      static_cast<size_t>(y) * img.bytes_per_row();
    l_uint32* line = out + static_cast<size_t>(y) * wpl;
    for (int x = 0; x < img.width(); ++x) SET_DATA_BYTE(line, x, row[x]);
  }
  pixSetResolution(pix.get(), static_cast<int>(dpi), static_cast<int>(dpi));
  return pix;
}

}  // namespace

Result<PixPtr> DecodeLicenceImage(ByteView data, const char* field) {
  SilencePoppler();
  switch (Sniff(data)) {
    case Kind::kJpeg: return ScaleForOcr(DecodeJpeg(data, field), field);
    case Kind::kPng: return ScaleForOcr(DecodePng(data, field), field);
    case Kind::kPdf: return RenderPdfFirstPage(data, field);
    case Kind::kUnknown: break;
  }
  return ImageError(field, "must be a JPEG, PNG or PDF file", "须为 JPEG、PNG 或 PDF 文件");
}

}  // namespace sealkey::server
