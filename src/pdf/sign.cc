// PreparePdfSignature / FinishPdfSignature: the signing revision (ISO 32000-1
// sections 12.7.4.5 signature fields, 12.8 digital signatures).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include "base/encoding.h"
#include "pdf/appearance.h"
#include "pdf/pdf.h"
#include "pdf/source.h"
#include "pdf/update_writer.h"

namespace sealkey::pdf {
namespace {

using internal::FormatNumber;
using internal::NewObject;

constexpr std::string_view kByteRangePlaceholder = "[0 0000000000 0000000000 0000000000]";
constexpr size_t kMinContents = 1024, kMaxContents = 1 << 20;

std::string Ref(int num) { return std::to_string(num) + " 0 R"; }
std::string Text(const std::string& utf8) {
  return QPDFObjectHandle::newUnicodeString(utf8).unparse();
}
Bytes ToBody(const std::string& s) { return Bytes(s.begin(), s.end()); }
NewObject NewVersion(QPDFObjectHandle object, const std::string& body) {
  QPDFObjGen id = object.getObjGen();
  return NewObject{id.getObj(), id.getGen(), ToBody(body)};
}

Status CheckOptions(const StampOptions& o) {
  if (o.page < 1) return Fail(ErrorCode::kOutOfRange, "pages are numbered from 1", "page");
  if (o.contents_size < kMinContents || o.contents_size > kMaxContents) {
    return Fail(ErrorCode::kOutOfRange, "the signature reserve must be 1 KiB to 1 MiB",
                "contents_size");
  }
  for (double v : {o.x, o.y, o.width, o.height}) {
    if (!std::isfinite(v) || std::fabs(v) > 1e6) {
      return Fail(ErrorCode::kOutOfRange, "the rectangle is out of range", "rect");
    }
  }
  if (!o.image.empty() && (o.width <= 0 || o.height <= 0)) {
    return Fail(ErrorCode::kInvalidArgument, "a stamp needs a positive width and height", "rect");
  }
  return Ok();
}

// A field name not yet in the form: the requested one, or Signature<n>.
Result<std::string> ChooseFieldName(QPDF& qpdf, const std::string& wanted) {
  std::set<std::string> taken;
  QPDFAcroFormDocumentHelper form(qpdf);
  // Every qualified name and its parents ("a.b" takes "a" too): a new
  // top-level field must not share a name with a non-terminal one.
  for (auto& field : form.getFormFields()) {
    const std::string full = field.getFullyQualifiedName();
    for (size_t dot = full.find('.'); dot != std::string::npos; dot = full.find('.', dot + 1)) {
      taken.insert(full.substr(0, dot));
    }
    taken.insert(full);
  }
  if (!wanted.empty()) {
    if (wanted.find('.') != std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument, "a field name cannot contain '.'", "field_name");
    }
    if (taken.count(wanted)) {
      return Fail(ErrorCode::kAlreadyExists, "the form already has a field " + wanted,
                  "field_name");
    }
    return wanted;
  }
  for (int n = 1;; ++n) {
    std::string name = "Signature" + std::to_string(n);
    if (!taken.count(name)) return name;
  }
}

// The widget's /Rect in default user space: the requested rectangle moved
// to the MediaBox's lower-left corner, which it must lie inside.
Result<std::string> WidgetRect(QPDFObjectHandle page, const StampOptions& o) {
  if (o.image.empty()) return std::string("[0 0 0 0]");
  QPDFObjectHandle box = QPDFPageObjectHelper(page).getMediaBox();
  if (!box.isRectangle()) {
    return Fail(ErrorCode::kMalformed, "the page has no valid MediaBox", "pdf");
  }
  QPDFObjectHandle::Rectangle r = box.getArrayAsRectangle();
  const double llx = std::min(r.llx, r.urx), lly = std::min(r.lly, r.ury);
  const double urx = std::max(r.llx, r.urx), ury = std::max(r.lly, r.ury);
  const double x0 = llx + o.x, y0 = lly + o.y, x1 = x0 + o.width, y1 = y0 + o.height;
  constexpr double kSlack = 0.01;
  if (x0 < llx - kSlack || y0 < lly - kSlack || x1 > urx + kSlack || y1 > ury + kSlack) {
    return Fail(ErrorCode::kOutOfRange,
                "the stamp does not fit on the page (" + FormatNumber(urx - llx) + " x " +
                    FormatNumber(ury - lly) + " points)",
                "rect");
  }
  return "[" + FormatNumber(x0) + " " + FormatNumber(y0) + " " + FormatNumber(x1) + " " +
         FormatNumber(y1) + "]";
}

// Section 12.8.2.2: a certification signature whose DocMDP transform has
// /P 1 permits no change at all, so another signature would break it.
Status CheckDocMdp(QPDF& qpdf) {
  QPDFObjectHandle perms = qpdf.getRoot().getKey("/Perms");
  if (!perms.isDictionary() || !perms.getKey("/DocMDP").isDictionary()) return Ok();
  QPDFObjectHandle refs = perms.getKey("/DocMDP").getKey("/Reference");
  if (!refs.isArray()) return Ok();
  for (auto& ref : refs.getArrayAsVector()) {
    if (!ref.isDictionary() || !ref.getKey("/TransformParams").isDictionary()) continue;
    long long p = 2;  // the default
    ref.getKey("/TransformParams").getKey("/P").getValueAsInt(p);
    if (p == 1) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the document is certified with no changes allowed (DocMDP P=1)", "pdf");
    }
  }
  return Ok();
}

// ISO 32000-1 section 12.8.1 table 252; /Contents goes last so the hole is
// the end of the dictionary.
std::string SignatureDictionary(const StampOptions& o) {
  std::string d = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /" +
                  std::string(SubFilterName(o.sub_filter));
  if (!o.name.empty()) d += " /Name " + Text(o.name);
  if (!o.reason.empty()) d += " /Reason " + Text(o.reason);
  if (!o.location.empty()) d += " /Location " + Text(o.location);
  d += " /M " + Text(internal::PdfDate(o.signing_time));
  d += " /ByteRange " + std::string(kByteRangePlaceholder);
  d += " /Contents <" + std::string(o.contents_size * 2, '0') + "> >>";
  return d;
}

// Adds the widget to the page's /Annots and the field to the AcroForm
// (section 12.7.2: /SigFlags 3, signatures exist and the file is
// append-only), as new versions of whichever objects hold them.
void LinkField(QPDF& qpdf, QPDFObjectHandle page, int widget, int& next,
               std::vector<NewObject>& objects) {
  QPDFObjectHandle annots = page.getKey("/Annots");
  if (annots.isIndirect() && annots.isArray()) {
    objects.push_back(NewVersion(annots, internal::UnparseArrayAppend(annots, Ref(widget))));
  } else {
    objects.push_back(NewVersion(
        page, internal::UnparseDict(
                  page, {{"/Annots", internal::UnparseArrayAppend(annots, Ref(widget))}})));
  }

  QPDFObjectHandle root = qpdf.getRoot();
  QPDFObjectHandle form = root.getKey("/AcroForm");
  if (!form.isDictionary()) {
    int form_num = next++;
    objects.push_back({form_num, 0, ToBody("<< /Fields [" + Ref(widget) + "] /SigFlags 3 >>")});
    objects.push_back(
        NewVersion(root, internal::UnparseDict(root, {{"/AcroForm", Ref(form_num)}})));
    return;
  }
  long long flags = 0;
  form.getKey("/SigFlags").getValueAsInt(flags);
  std::vector<std::pair<std::string, std::string>> changes = {
      {"/SigFlags", std::to_string(flags | 3)}};
  QPDFObjectHandle fields = form.getKey("/Fields");
  if (fields.isIndirect() && fields.isArray()) {
    objects.push_back(NewVersion(fields, internal::UnparseArrayAppend(fields, Ref(widget))));
  } else {
    changes.emplace_back("/Fields", internal::UnparseArrayAppend(fields, Ref(widget)));
  }
  if (form.isIndirect()) {
    objects.push_back(NewVersion(form, internal::UnparseDict(form, changes)));
  } else {
    objects.push_back(NewVersion(
        root, internal::UnparseDict(root, {{"/AcroForm", internal::UnparseDict(form, changes)}})));
  }
}

}  // namespace

std::string_view SubFilterName(SubFilter f) {
  return f == SubFilter::kCadesDetached ? "ETSI.CAdES.detached" : "adbe.pkcs7.detached";
}

Result<SubFilter> ParseSubFilter(std::string_view text) {
  if (text == "adbe.pkcs7.detached" || text == "pkcs7") return SubFilter::kPkcs7Detached;
  if (text == "ETSI.CAdES.detached" || text == "cades") return SubFilter::kCadesDetached;
  return Fail(ErrorCode::kInvalidArgument,
              "must be adbe.pkcs7.detached (pkcs7) or ETSI.CAdES.detached (cades)", "sub_filter");
}

Bytes PreparedPdf::SignedContent() const {
  Bytes out;
  out.reserve(ranges[0].length + ranges[1].length);
  for (const ByteRange& r : ranges) {
    out.insert(out.end(), bytes.begin() + r.offset, bytes.begin() + r.offset + r.length);
  }
  return out;
}

Result<PreparedPdf> PreparePdfSignature(ByteView pdf, const StampOptions& o) {
  SEALKEY_RETURN_IF_ERROR(CheckOptions(o));
  std::optional<internal::SealImage> image;
  if (!o.image.empty()) {
    auto loaded = internal::LoadSealImage(o.image);
    if (!loaded) return Fail(loaded.error());
    image = std::move(*loaded);
  }
  auto src = internal::SourcePdf::Open(pdf, false);
  if (!src) return Fail(src.error());
  QPDF& qpdf = (*src)->qpdf();

  return internal::Guard("cannot prepare the PDF", [&]() -> Result<PreparedPdf> {
    const auto& pages = qpdf.getAllPages();
    // Damage qpdf works around (an object not where the table says, a
    // broken page tree) would be baked into the update: refuse instead.
    if (qpdf.anyWarnings()) {
      std::vector<QPDFExc> warnings = qpdf.getWarnings();
      return Fail(ErrorCode::kMalformed,
                  std::string("the PDF is damaged (") + warnings.front().what() +
                      "); repair it first, e.g. qpdf in.pdf out.pdf",
                  "pdf");
    }
    if (static_cast<size_t>(o.page) > pages.size()) {
      return Fail(ErrorCode::kOutOfRange,
                  "the document has " + std::to_string(pages.size()) + " page(s)", "page");
    }
    SEALKEY_RETURN_IF_ERROR(CheckDocMdp(qpdf));
    QPDFObjectHandle page = pages[o.page - 1];
    auto rect = WidgetRect(page, o);
    if (!rect) return Fail(rect.error());
    auto field_name = ChooseFieldName(qpdf, o.field_name);
    if (!field_name) return Fail(field_name.error());

    int next = (*src)->next_object_number();
    const int sig = next++, widget = next++, form = next++;
    const int image_num = image ? next++ : 0;
    const int smask_num = image && !image->alpha.empty() ? next++ : 0;
    std::vector<NewObject> objects;
    const std::string sig_dict = SignatureDictionary(o);
    objects.push_back({sig, 0, ToBody(sig_dict)});
    // Section 12.7.4.5 with 12.5.6.19: one dictionary that is both the
    // field and its widget; /F 4 prints it.
    objects.push_back({widget, 0,
                       ToBody("<< /Type /Annot /Subtype /Widget /FT /Sig /T " + Text(*field_name) +
                              " /V " + Ref(sig) + " /F 4 /P " + page.unparse() + " /Rect " + *rect +
                              " /AP << /N " + Ref(form) + " >> >>")});
    auto appearance = internal::AppearanceObjects(image ? &*image : nullptr, o.width, o.height,
                                                  form, image_num, smask_num);
    if (!appearance) return Fail(appearance.error());
    for (auto& a : *appearance) objects.push_back(std::move(a));
    LinkField(qpdf, page, widget, next, objects);

    auto written = internal::WriteIncrementalUpdate(**src, objects, next);
    if (!written) return Fail(written.error());
    if (written->file.size() >= 10'000'000'000ULL) {
      return Fail(ErrorCode::kOutOfRange, "the PDF is too large to sign", "pdf");
    }

    // Fix /ByteRange now that every offset is known (section 12.8.1).
    const size_t body_at =
        written->offsets[sig] + std::to_string(sig).size() + std::strlen(" 0 obj\n");
    // Both come after every text string, so rfind cannot hit a /Reason.
    const size_t range_at = body_at + sig_dict.rfind(kByteRangePlaceholder);
    const size_t hole_begin = body_at + sig_dict.rfind("/Contents <") + std::strlen("/Contents ");
    const size_t hole_end = hole_begin + o.contents_size * 2 + 2;
    PreparedPdf out;
    out.bytes = std::move(written->file);
    out.ranges = {ByteRange{0, hole_begin}, ByteRange{hole_end, out.bytes.size() - hole_end}};
    out.contents_offset = hole_begin + 1;
    out.contents_size = o.contents_size;
    std::string fixed = "[0 " + std::to_string(hole_begin) + " " + std::to_string(hole_end) + " " +
                        std::to_string(out.ranges[1].length);
    fixed += std::string(kByteRangePlaceholder.size() - fixed.size() - 1, ' ') + "]";
    std::copy(fixed.begin(), fixed.end(), out.bytes.begin() + range_at);
    return out;
  });
}

Result<Bytes> FinishPdfSignature(PreparedPdf prepared, ByteView cms_der) {
  if (cms_der.empty()) return Fail(ErrorCode::kInvalidArgument, "empty signature", "cms");
  if (cms_der.size() > prepared.contents_size) {
    return Fail(ErrorCode::kOutOfRange,
                "the signature takes " + std::to_string(cms_der.size()) + " bytes but only " +
                    std::to_string(prepared.contents_size) + " were reserved",
                "contents_size");
  }
  Bytes& b = prepared.bytes;
  const size_t start = prepared.contents_offset;
  if (start == 0 || start + prepared.contents_size * 2 >= b.size() || b[start - 1] != '<' ||
      b[start + prepared.contents_size * 2] != '>') {
    return Fail(ErrorCode::kInvalidArgument, "not a prepared PDF", "pdf");
  }
  std::string hex = HexEncodeUpper(cms_der);
  std::copy(hex.begin(), hex.end(), b.begin() + start);
  return std::move(b);
}

}  // namespace sealkey::pdf
