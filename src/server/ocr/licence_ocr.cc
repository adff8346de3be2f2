// Tesseract over a decoded licence image, in two passes:
//   1. chi_sim, automatic page segmentation: the whole text, which
//      ParseLicenceText searches for the fields;
//   2. eng with the GB 32100 alphabet as a character whitelist, on the
//      longest run of Latin letters and digits of each line that could be
//      the credit code. The Chinese model often reads O for 0 or adds a
//      character in such runs; the whitelisted Latin model reads them
//      exactly in practice. Its answer replaces the first pass's when it is
//      a well-formed code.
// Tesseract engines are not thread-safe, so each call builds its own.
#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "server/ocr/licence_image.h"
#include "server/ocr/licence_ocr.h"

namespace sealkey::server {
namespace {

constexpr char kCodeWhitelist[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// A run of this many Latin symbols may be a misread 18-character code.
constexpr int kMinCodeRun = 15, kMaxCodeRun = 22;
constexpr size_t kMaxCodeRuns = 3;

struct Box {
  int left = 0, top = 0, right = 0, bottom = 0;
  int symbols = 0;
  bool labelled = false;  // its line has 信用 or 代码 in it
};

// Tesseract's progress and warnings ("Estimating resolution as ...") go to
// its global debug_file parameter; set once, since it is shared by all
// engines.
void SilenceTesseract() {
  static std::once_flag once;
  std::call_once(once, [] {
    tesseract::TessBaseAPI api;
    api.SetVariable("debug_file", "/dev/null");
  });
}

struct TextDeleter {
  void operator()(char* p) const { delete[] p; }
};
using TessText = std::unique_ptr<char[], TextDeleter>;

// `package` is the Debian package that holds the language's data.
Result<std::unique_ptr<tesseract::TessBaseAPI>> NewEngine(const char* language,
                                                          const char* package) {
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  if (api->Init(nullptr, language, tesseract::OEM_LSTM_ONLY) != 0) {
    Error e{ErrorCode::kInternal, "",
            std::string("OCR is unavailable: Tesseract cannot load its '") + language +
                "' language data (install " + package + ", or set TESSDATA_PREFIX)"};
    e.message_zh = "文字识别不可用：缺少 Tesseract 语言数据 " + std::string(language);
    return Fail(std::move(e));
  }
  return api;
}

bool IsLatinSymbol(const char* s) {
  return s != nullptr && s[0] != '\0' && s[1] == '\0' &&
         ((s[0] >= '0' && s[0] <= '9') || (s[0] >= 'A' && s[0] <= 'Z') ||
          (s[0] >= 'a' && s[0] <= 'z'));
}

// The longest run of consecutive Latin symbols on each line, when its
// length is in [kMinCodeRun, kMaxCodeRun]; runs on a line that names the
// code come first.
std::vector<Box> CodeRuns(tesseract::TessBaseAPI& api) {
  std::vector<Box> runs;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (!it || it->Empty(tesseract::RIL_SYMBOL)) return runs;
  Box best, current;
  std::string line;
  auto end_line = [&] {
    best.labelled = line.find("信用") != std::string::npos || line.find("代码") != std::string::npos;
    if (best.symbols >= kMinCodeRun && best.symbols <= kMaxCodeRun) runs.push_back(best);
    best = current = Box{};
    line.clear();
  };
  do {
    if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) end_line();
    TessText sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
    if (sym) line += sym.get();
    Box b;
    if (!IsLatinSymbol(sym.get()) ||
        !it->BoundingBox(tesseract::RIL_SYMBOL, &b.left, &b.top, &b.right, &b.bottom)) {
      current = Box{};
      continue;
    }
    if (current.symbols == 0) {
      current = b;
    } else {
      current.left = std::min(current.left, b.left);
      current.top = std::min(current.top, b.top);
      current.right = std::max(current.right, b.right);
      current.bottom = std::max(current.bottom, b.bottom);
    }
    if (++current.symbols > best.symbols) best = current;
  } while (it->Next(tesseract::RIL_SYMBOL));
  end_line();
  std::stable_partition(runs.begin(), runs.end(), [](const Box& r) { return r.labelled; });
  return runs;
}

// Second pass (see the top of the file); empty when nothing reads as a code.
// With `labelled_only`, runs on lines that do not name the code are skipped.
std::string ReadCreditCode(Pix* pix, std::vector<Box> runs, bool labelled_only) {
  if (labelled_only) std::erase_if(runs, [](const Box& r) { return !r.labelled; });
  if (runs.empty()) return {};
  auto api = NewEngine("eng", "tesseract-ocr-eng");
  if (!api) return {};  // no eng data: keep the first pass's reading
  (*api)->SetVariable("tessedit_char_whitelist", kCodeWhitelist);
  (*api)->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  (*api)->SetImage(pix);
  if (pixGetXRes(pix) > 0) (*api)->SetSourceResolution(pixGetXRes(pix));
  const int width = pixGetWidth(pix), height = pixGetHeight(pix);
  for (size_t i = 0; i < runs.size() && i < kMaxCodeRuns; ++i) {
    const Box& r = runs[i];
    // Half a line of margin: Tesseract reads a line best with some background round it.
    const int pad = (r.bottom - r.top) / 2 + 2;
    const int left = std::max(0, r.left - pad), top = std::max(0, r.top - pad);
    (*api)->SetRectangle(left, top, std::min(width, r.right + pad) - left,
                         std::min(height, r.bottom + pad) - top);
    TessText text((*api)->GetUTF8Text());
    if (!text) continue;
    std::string line(text.get());
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    std::string code = NormaliseCreditCode(line);
    if (!code.empty()) return code;
  }
  return {};
}

}  // namespace

Result<LicenceFields> ReadBusinessLicence(ByteView data, const char* field) {
  auto pix = DecodeLicenceImage(data, field);
  if (!pix) return Fail(std::move(pix.error()));
  SilenceTesseract();
  auto api = NewEngine("chi_sim", "tesseract-ocr-chi-sim");
  if (!api) return Fail(std::move(api.error()));

  (*api)->SetPageSegMode(tesseract::PSM_AUTO);
  // Sauvola's local threshold rather than Tesseract's global Otsu: photos
  // of licences have tinted paper and uneven light (on JPEGs of tinted
  // paper it misread fewer characters: 2 of 28 renderings against 5).
  (*api)->SetVariable("thresholding_method", "2");
  (*api)->SetImage(pix->get());
  if (pixGetXRes(pix->get()) > 0) (*api)->SetSourceResolution(pixGetXRes(pix->get()));
  if ((*api)->Recognize(nullptr) != 0) {
    return Fail(ErrorCode::kInternal, "Tesseract failed to recognise the image", field);
  }
  TessText text((*api)->GetUTF8Text());
  LicenceFields fields = ParseLicenceText(text ? text.get() : "");
  // A code the first pass found is only replaced by a reading of a line
  // that names it.
  std::string code = ReadCreditCode(pix->get(), CodeRuns(**api), !fields.credit_code.empty());
  if (!code.empty()) fields.credit_code = std::move(code);
  return fields;
}

}  // namespace sealkey::server
