// Internal to sealkey::ca: the TBSCertificate of an end-entity certificate
// (the layout IssueEndEntity documents in ca.h), written with sealkey's DER
// writer. Building it with OpenSSL's X509 and X509V3_EXT_conf_nid cost about
// 30 us per certificate, more than a P-256 signature. The subject Name is
// still encoded by OpenSSL, so its string types are what they always were.
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "ca/ca.h"

namespace sealkey::ca::detail {

// `r` must have passed IssueEndEntity's checks. kFailedPrecondition "ca"
// when the CA certificate has no subject key identifier (the AKI needs it);
// kInvalidArgument "subject" for a name entry OpenSSL cannot encode;
// kOutOfRange "not_before"/"not_after" for times before 1970 or after 9999.
Result<Bytes> EndEntityTbs(const CaContext& ca, const IssueRequest& r, ByteView serial,
                           crypto::KeyType ca_type);

}  // namespace sealkey::ca::detail
