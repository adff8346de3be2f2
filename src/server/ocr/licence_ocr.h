// Pre-filling an organisation from a photo or scan of its Chinese business
// licence (营业执照, B6): Tesseract OCR (language chi_sim) reads the image or
// the first page of a PDF, and the text is searched for the organisation's
// name (名称), unified social credit code (统一社会信用代码, GB 32100),
// legal representative (法定代表人, or 负责人 / 经营者 / 执行事务合伙人 /
// 投资人 for branches, sole traders and partnerships) and address (住所,
// 营业场所, 经营场所, 主要经营场所).
//
// The result is best-effort: a field the OCR could not find is empty, and
// the person checks and edits every value before submitting. Nothing here
// validates the credit code's check character; callers do that
// (server/kyc/id_numbers.h ValidateCreditCode).
//
// Needs libtesseract with the chi_sim data at run time (Debian
// tesseract-ocr-chi-sim; TESSDATA_PREFIX overrides the data directory); the
// eng data, when present, re-reads the credit code with a character
// whitelist, which is far more reliable for Latin letters and digits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::server {

// Each field is UTF-8 with the OCR's stray spaces between Chinese
// characters removed; empty when not found.
struct LicenceFields {
  std::string name;
  std::string credit_code;  // 18 characters of the GB 32100 alphabet, or empty
  std::string legal_representative;
  std::string address;
  std::string raw_text;  // the whole OCR text, for logs and operator review
};

// Images larger than this are refused before decoding.
inline constexpr int kMaxLicenceSide = 12000;         // pixels, either side
inline constexpr int64_t kMaxLicenceArea = 50000000;  // pixels in all

// OCR of a business licence: JPEG (turned as its Exif orientation says),
// PNG, or the first page of a PDF (rendered at 300 dpi); images are scaled
// down to at most 4000 pixels on their longer side.
// Fails with kInvalidArgument naming `field` when the bytes are none of
// those or do not decode (including encrypted PDFs), and with kInternal when
// Tesseract or its chi_sim data cannot be loaded. Thread-safe: every call
// uses its own Tesseract engines. A call takes about half a second of one
// core; Debian's libtesseract runs OpenMP threads that make it several
// times slower when the cores are busy, so run the process with
// OMP_THREAD_LIMIT=1 (read by libgomp at start-up only).
Result<LicenceFields> ReadBusinessLicence(ByteView data, const char* field = "licence");

// Finds the fields in OCR text; pure, no OCR. Tolerates the usual noise:
// spaces inside labels and values ("名 称"), full-width colons and letters,
// a label whose value is on the next line, two-column lines ("名称 X公司
// 注册资本 壹佰万元" yields "X公司"), a misread 名称 label (then the name
// is the first unlabelled line ending in 公司, 企业, 合作社 or 事务所,
// less leading fragments of one or two characters), and letter/digit
// confusions in the credit code (O->0, I->1, Z->2, S->5; and B->8, G->6,
// D/Q->0 in its six-digit region code), which are only corrected inside an
// 18-character code. A code is searched by its shape when its label is
// misread. raw_text is set to `text`.
LicenceFields ParseLicenceText(std::string_view text);

// The GB 32100 spelling of an OCR'd credit code with the corrections above
// and spaces removed, or empty when it cannot be one (wrong length, or a
// character that is neither in the alphabet nor a known confusion).
std::string NormaliseCreditCode(std::string_view text);

}  // namespace sealkey::server
