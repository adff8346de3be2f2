// VerifyPdfSignatures: sealkey's own PAdES check (ISO 32000-1 section
// 12.8.1, ETSI EN 319 142-1), with crypto::CmsVerifyDetached doing the CMS,
// so SM2 signatures verify too.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <string_view>

#include <qpdf/QPDFAcroFormDocumentHelper.hh>

#include "base/encoding.h"
#include "crypto/cms.h"
#include "pdf/pdf.h"
#include "pdf/source.h"

namespace sealkey::pdf {
namespace {

std::string StringValue(QPDFObjectHandle dict, const char* key) {
  QPDFObjectHandle v = dict.getKey(key);
  return v.isString() ? v.getUTF8Value() : std::string();
}

// ISO 32000-1 section 7.9.4: D:YYYYMMDDHHmmSSOHH'mm', everything after the
// year optional, O one of Z + -; nullopt when it does not parse.
std::optional<int64_t> ParsePdfDate(std::string_view d) {
  if (d.starts_with("D:")) d.remove_prefix(2);
  auto digits = [&d](size_t n, int& out) {
    if (d.size() < n || !std::all_of(d.begin(), d.begin() + n, [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      return false;
    }
    out = std::stoi(std::string(d.substr(0, n)));
    d.remove_prefix(n);
    return true;
  };
  struct tm tm {};
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  if (!digits(4, year)) return std::nullopt;
  (void)(digits(2, month) && digits(2, day) && digits(2, hour) && digits(2, minute) &&
         digits(2, second));
  int offset = 0;
  if (!d.empty() && (d[0] == '+' || d[0] == '-')) {
    int sign = d[0] == '-' ? -1 : 1, oh = 0, om = 0;
    d.remove_prefix(1);
    if (!digits(2, oh)) return std::nullopt;
    if (!d.empty() && d[0] == '\'') d.remove_prefix(1);
    digits(2, om);
    offset = sign * (oh * 3600 + om * 60);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

// Total length of the DER TLV at the start of `der` (definite lengths
// only), or 0 if it is not one.
size_t DerTlvLength(ByteView der) {
  if (der.size() < 2) return 0;
  size_t len = der[1];
  size_t header = 2;
  if (len & 0x80) {
    size_t n = len & 0x7f;
    if (n == 0 || n > 4 || der.size() < 2 + n) return 0;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = len << 8 | der[2 + i];
    header += n;
  }
  return header + len <= der.size() ? header + len : 0;
}

// The gap /ByteRange leaves must be exactly the /Contents hex string of
// this signature dictionary: '<' hex '>' right after "/Contents", inside
// the object that holds the dictionary, equal to what qpdf parsed.
Result<Bytes> HoleContents(internal::SourcePdf& src, QPDFObjectHandle holder, QPDFObjectHandle sig,
                           size_t begin, size_t end) {
  ByteView b = src.bytes();
  auto bad = [](const std::string& why) {
    return Fail(ErrorCode::kVerifyFailed, "/ByteRange does not skip exactly /Contents: " + why,
                "signature");
  };
  if (end - begin < 2 || b[begin] != '<' || b[end - 1] != '>') return bad("no hex string there");
  std::string_view hex = AsChars(b.subspan(begin + 1, end - begin - 2));
  if (hex.size() % 2 != 0 ||
      !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(c); })) {
    return bad("the gap is not one hex string");
  }
  auto contents = HexDecode(hex);
  if (!contents) return bad("the gap is not one hex string");
  QPDFObjectHandle parsed = sig.getKey("/Contents");
  if (!parsed.isString() || parsed.getStringValue() != AsChars(*contents)) {
    return bad("the gap is not this signature's /Contents");
  }
  auto at = src.ObjectOffset(holder.getObjGen());
  if (!at || *at >= begin) return bad("the gap is outside the signature dictionary");
  std::string_view before = AsChars(b.subspan(*at, begin - *at));
  if (before.find("endobj") != std::string_view::npos) {
    return bad("the gap is outside the signature dictionary");
  }
  while (!before.empty() && std::strchr(" \t\r\n\f", before.back()) != nullptr) {
    before.remove_suffix(1);
  }
  if (!before.ends_with("/Contents")) return bad("the gap does not follow /Contents");
  return std::move(*contents);
}

PdfSignature CheckOne(internal::SourcePdf& src, QPDFFormFieldObjectHelper& field,
                      QPDFObjectHandle sig) {
  PdfSignature s;
  s.field_name = field.getFullyQualifiedName();
  QPDFObjectHandle sub_filter = sig.getKey("/SubFilter");
  if (sub_filter.isName()) s.sub_filter = sub_filter.getName().substr(1);
  s.name = StringValue(sig, "/Name");
  s.reason = StringValue(sig, "/Reason");
  s.location = StringValue(sig, "/Location");
  s.pdf_time = StringValue(sig, "/M");
  s.claimed_time = ParsePdfDate(s.pdf_time);
  auto fail = [&s](ErrorCode code, const std::string& why) {
    s.error = Error{code, "signature", why};
    return s;
  };
  if (s.sub_filter != SubFilterName(SubFilter::kPkcs7Detached) &&
      s.sub_filter != SubFilterName(SubFilter::kCadesDetached)) {
    return fail(ErrorCode::kUnsupported, "unsupported /SubFilter " + s.sub_filter);
  }

  // Section 12.8.1: /ByteRange [0 b c d] covers the file except the hole
  // [b, c) that holds /Contents.
  QPDFObjectHandle range = sig.getKey("/ByteRange");
  std::vector<long long> r;
  if (range.isArray()) {
    for (auto& item : range.getArrayAsVector()) {
      if (item.isInteger() && item.getIntValue() >= 0) r.push_back(item.getIntValue());
    }
  }
  const size_t size = src.bytes().size();
  if (r.size() != 4 || range.getArrayNItems() != 4 || r[0] != 0 || r[1] <= 0 || r[2] <= r[1] ||
      static_cast<unsigned long long>(r[2]) + r[3] > size) {
    return fail(ErrorCode::kVerifyFailed, "/ByteRange is not [0 b c d] within the file");
  }
  s.ranges = {ByteRange{0, static_cast<size_t>(r[1])},
              ByteRange{static_cast<size_t>(r[2]), static_cast<size_t>(r[3])}};
  s.covers_whole_document = static_cast<size_t>(r[2] + r[3]) == size;

  QPDFObjectHandle holder = sig.isIndirect() ? sig : field.getObjectHandle();
  auto contents = HoleContents(src, holder, sig, s.ranges[0].length, s.ranges[1].offset);
  if (!contents) return fail(contents.error().code, contents.error().message);
  // /Contents is the DER CMS padded with zeros to the reserved size.
  const size_t der_length = DerTlvLength(*contents);
  if (der_length == 0 || (*contents)[0] != 0x30 ||
      !std::all_of(contents->begin() + der_length, contents->end(),
                   [](uint8_t c) { return c == 0; })) {
    return fail(ErrorCode::kMalformed, "/Contents is not a DER CMS (an unsigned placeholder?)");
  }
  ByteView cms = ByteView(*contents).first(der_length);

  Bytes signed_bytes;
  signed_bytes.reserve(s.ranges[0].length + s.ranges[1].length);
  for (const ByteRange& part : s.ranges) {
    ByteView whole = src.bytes();
    signed_bytes.insert(signed_bytes.end(), whole.begin() + part.offset,
                        whole.begin() + part.offset + part.length);
  }
  auto verified = crypto::CmsVerifyDetached(cms, signed_bytes);
  if (!verified) return fail(verified.error().code, verified.error().message);
  crypto::CertificateInfo info = verified->signer.Info();
  s.signer_subject = crypto::FormatName(info.subject);
  s.signer_issuer = crypto::FormatName(info.issuer);
  s.signer_serial = info.serial;
  s.signing_time = verified->signing_time;
  s.digest = std::string(crypto::HashName(verified->digest));
  s.signer_certificate = verified->signer.Der();
  for (const auto& c : verified->certificates) s.certificates.push_back(c.Der());
  s.valid = true;
  return s;
}

}  // namespace

Result<std::vector<PdfSignature>> VerifyPdfSignatures(ByteView pdf) {
  auto src = internal::SourcePdf::Open(pdf, true);
  if (!src) return Fail(src.error());
  return internal::Guard("cannot read the signatures", [&]() -> Result<std::vector<PdfSignature>> {
    QPDFAcroFormDocumentHelper form((*src)->qpdf());
    std::vector<PdfSignature> out;
    for (auto& field : form.getFormFields()) {
      if (field.getFieldType() != "/Sig") continue;
      QPDFObjectHandle sig = field.getValue();
      if (!sig.isDictionary()) continue;  // an empty signature field
      out.push_back(CheckOne(**src, field, sig));
    }
    return out;
  });
}

}  // namespace sealkey::pdf
