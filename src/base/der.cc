#include "base/der.h"

namespace sealkey::der {

Error Reader::Malformed(const std::string& detail) const {
  return Error{ErrorCode::kMalformed, what_,
               detail + " at offset " + std::to_string(pos_)};
}

Result<uint8_t> Reader::PeekTag() const {
  if (AtEnd()) return Fail(Malformed("unexpected end of data"));
  return data_[pos_];
}

Result<ByteView> Reader::Read(uint8_t tag) {
  if (AtEnd()) return Fail(Malformed("unexpected end of data"));
  uint8_t got = data_[pos_];
  if ((got & 0x1f) == 0x1f) return Fail(Malformed("high tag numbers are not supported"));
  if (got != tag) {
    return Fail(Malformed("expected tag 0x" + std::string{"0123456789abcdef"[tag >> 4]} +
                          "0123456789abcdef"[tag & 15] + ", found 0x" +
                          "0123456789abcdef"[got >> 4] + "0123456789abcdef"[got & 15]));
  }
  size_t p = pos_ + 1;
  if (p >= data_.size()) return Fail(Malformed("truncated length"));
  size_t len = data_[p++];
  if (len & 0x80) {
    size_t n = len & 0x7f;
    if (n == 0) return Fail(Malformed("indefinite length is not DER"));
    if (n > 4) return Fail(Malformed("length too large"));
    if (p + n > data_.size()) return Fail(Malformed("truncated length"));
    if (data_[p] == 0) return Fail(Malformed("non-minimal length encoding"));
    len = 0;
    for (size_t i = 0; i < n; ++i) len = len << 8 | data_[p++];
    if (len < 0x80) return Fail(Malformed("non-minimal length encoding"));
  }
  if (len > data_.size() - p) return Fail(Malformed("truncated value"));
  ByteView contents = data_.subspan(p, len);
  pos_ = p + len;
  return contents;
}

Result<ByteView> Reader::ReadRaw(uint8_t tag) {
  size_t start = pos_;
  auto contents = Read(tag);
  if (!contents) return Fail(contents.error());
  return data_.subspan(start, pos_ - start);
}

Result<Reader> Reader::ReadSequence() {
  auto contents = Read(kSequence);
  if (!contents) return Fail(contents.error());
  return Reader(*contents, what_);
}

Result<ByteView> Reader::ReadUnsignedInteger() {
  auto v = Read(kInteger);
  if (!v) return Fail(v.error());
  ByteView b = *v;
  if (b.empty()) return Fail(Malformed("empty INTEGER"));
  if (b[0] & 0x80) return Fail(Malformed("negative INTEGER"));
  if (b.size() > 1 && b[0] == 0 && !(b[1] & 0x80)) {
    return Fail(Malformed("non-minimal INTEGER encoding"));
  }
  if (b.size() > 1 && b[0] == 0) b = b.subspan(1);
  return b;
}

Result<ByteView> Reader::ReadBitStringBytes() {
  auto v = Read(kBitString);
  if (!v) return Fail(v.error());
  if (v->empty()) return Fail(Malformed("empty BIT STRING"));
  if ((*v)[0] != 0) return Fail(Malformed("BIT STRING with unused bits"));
  return v->subspan(1);
}

Status Reader::ExpectEnd() const {
  if (!AtEnd()) return Fail(Malformed("trailing data"));
  return Ok();
}

Bytes Tlv(uint8_t tag, ByteView contents) {
  Bytes out;
  out.reserve(contents.size() + 6);
  out.push_back(tag);
  size_t len = contents.size();
  if (len < 0x80) {
    out.push_back(static_cast<uint8_t>(len));
  } else {
    uint8_t buf[4];
    int n = 0;
    for (size_t l = len; l; l >>= 8) buf[n++] = static_cast<uint8_t>(l);
    out.push_back(static_cast<uint8_t>(0x80 | n));
    while (n) out.push_back(buf[--n]);
  }
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes Sequence(std::initializer_list<ByteView> items) {
  return Tlv(kSequence, Concat(items));
}

Bytes UnsignedInteger(ByteView magnitude) {
  size_t i = 0;
  while (i + 1 < magnitude.size() && magnitude[i] == 0) ++i;
  Bytes body;
  if (magnitude.empty()) {
    body.push_back(0);
  } else {
    if (magnitude[i] & 0x80) body.push_back(0);
    body.insert(body.end(), magnitude.begin() + i, magnitude.end());
  }
  return Tlv(kInteger, body);
}

Bytes OctetString(ByteView contents) { return Tlv(kOctetString, contents); }

Bytes BitString(ByteView contents) {
  Bytes body;
  body.reserve(contents.size() + 1);
  body.push_back(0);
  body.insert(body.end(), contents.begin(), contents.end());
  return Tlv(kBitString, body);
}

Result<Bytes> FixedWidth(ByteView magnitude, size_t width, std::string_view field) {
  size_t i = 0;
  while (i < magnitude.size() && magnitude[i] == 0) ++i;
  ByteView m = magnitude.subspan(i);
  if (m.size() > width) {
    return Fail(ErrorCode::kOutOfRange,
                "value is wider than " + std::to_string(width) + " bytes", std::string(field));
  }
  Bytes out(width - m.size(), 0);
  out.insert(out.end(), m.begin(), m.end());
  return out;
}

}  // namespace sealkey::der
