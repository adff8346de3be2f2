// CheckOnlySignaturesAdded: an incremental update may add objects, but the
// original's objects must read the same in the updated file's last revision
// (ISO 32000-1 section 7.5.6: an update redefines objects by number), apart
// from what adding a signature field needs (section 12.7.2): a page's
// /Annots gains the widget, the catalog gains /AcroForm, an existing AcroForm
// dictionary gets /Fields and /SigFlags. So an update that redraws a page,
// swaps a font or a content stream, or drops an object is caught even
// though the signature over the whole file verifies.
#include <qpdf/QPDF.hh>

#include "pdf/pdf.h"
#include "pdf/source.h"

namespace sealkey::pdf {
namespace {

// The object as text with `ignored` keys left out; streams add their raw
// (still encoded) data.
std::string Canonical(QPDFObjectHandle o, const std::vector<std::string>& ignored) {
  if (o.isStream()) {
    std::shared_ptr<Buffer> data = o.getRawStreamData();
    return Canonical(o.getDict(), ignored) + " stream " +
           std::string(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
  }
  if (!o.isDictionary() || ignored.empty()) return o.unparseResolved();
  QPDFObjectHandle copy = o.shallowCopy();
  for (const auto& key : ignored) copy.removeKey(key);
  return copy.unparseResolved();
}

}  // namespace

Status CheckOnlySignaturesAdded(ByteView original, ByteView updated) {
  auto before = internal::SourcePdf::Open(original, false);
  if (!before) return Fail(before.error());
  auto after = internal::SourcePdf::Open(updated, false);
  if (!after) return Fail(after.error());
  return internal::Guard("cannot compare the revisions", [&]() -> Status {
    QPDF& a = (*before)->qpdf();
    QPDF& b = (*after)->qpdf();
    QPDFObjGen root = a.getRoot().getObjGen();
    QPDFObjectHandle form = a.getRoot().getKey("/AcroForm");
    QPDFObjGen form_id = form.isIndirect() ? form.getObjGen() : QPDFObjGen();
    for (QPDFObjectHandle o : a.getAllObjects()) {
      QPDFObjGen id = o.getObjGen();
      std::vector<std::string> ignored;
      if (id == root) ignored = {"/AcroForm"};
      if (form_id.getObj() != 0 && id == form_id) ignored = {"/Fields", "/SigFlags"};
      if (o.isDictionary() && o.getKey("/Type").isNameAndEquals("/Page")) ignored = {"/Annots"};
      if (Canonical(o, ignored) != Canonical(b.getObject(id), ignored)) {
        return Fail(ErrorCode::kInvalidArgument,
                    "the update changes object " + id.unparse(' ') + " of the original", "pdf");
      }
    }
    return Ok();
  });
}

}  // namespace sealkey::pdf
