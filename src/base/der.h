// A minimal, strict DER (X.690) reader and writer for the few structures
// sealkey encodes itself: ECDSA/SM2 signatures, SM2Cipher (GM/T 0009),
// and later SM2EnvelopedKey and the seal formats. Certificates and CMS go
// through OpenSSL, not through this.
//
// The reader rejects everything that is not canonical DER: indefinite or
// non-minimal lengths, high tag numbers, non-minimal INTEGERs, trailing
// bytes inside a constructed value. Every failure names what was expected.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::der {

enum Tag : uint8_t {
  kInteger = 0x02,
  kBitString = 0x03,
  kOctetString = 0x04,
  kNull = 0x05,
  kOid = 0x06,
  kUtf8String = 0x0c,
  kPrintableString = 0x13,
  kIa5String = 0x16,
  kUtcTime = 0x17,
  kGeneralizedTime = 0x18,
  kSequence = 0x30,
  kSet = 0x31,
};

// Reads consecutive TLVs from a byte range it does not own: the bytes must
// outlive the Reader.
class Reader {
 public:
  explicit Reader(ByteView data, std::string what = "DER")
      : data_(data), what_(std::move(what)) {}

  bool AtEnd() const { return pos_ == data_.size(); }
  // The next tag, or an error at end of input.
  Result<uint8_t> PeekTag() const;

  // Reads one TLV with the given tag and returns its contents.
  Result<ByteView> Read(uint8_t tag);
  // Reads one TLV with the given tag and returns it whole (header included),
  // e.g. the exact to-be-signed bytes of a certificate.
  Result<ByteView> ReadRaw(uint8_t tag);
  // Reads a SEQUENCE and returns a reader over its contents.
  Result<Reader> ReadSequence();
  // Reads a non-negative INTEGER; returns its big-endian magnitude without
  // the sign byte (at least one byte; zero is {0x00}).
  Result<ByteView> ReadUnsignedInteger();
  // Reads a BIT STRING with no unused bits and returns its payload.
  Result<ByteView> ReadBitStringBytes();
  // Fails unless every byte has been consumed.
  Status ExpectEnd() const;

 private:
  Error Malformed(const std::string& detail) const;

  ByteView data_;
  size_t pos_ = 0;
  std::string what_;
};

// Writers return the complete TLV.
Bytes Tlv(uint8_t tag, ByteView contents);
Bytes Sequence(std::initializer_list<ByteView> items);
// INTEGER from a big-endian magnitude (leading zeros stripped, sign byte added).
Bytes UnsignedInteger(ByteView magnitude);
Bytes OctetString(ByteView contents);
Bytes BitString(ByteView contents);  // no unused bits

// Left-pads (or validates) a big-endian magnitude to exactly `width` bytes.
Result<Bytes> FixedWidth(ByteView magnitude, size_t width, std::string_view field);

}  // namespace sealkey::der
