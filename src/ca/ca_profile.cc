// Profiles and subject names (ca.h SubjectFor): who a certificate is about,
// and the identity numbers that go into its subject.
#include <array>
#include <cctype>
#include <string>

#include "base/encoding.h"
#include "ca/ca.h"
#include "crypto/digest.h"

namespace sealkey::ca {
namespace {

// X.520 upper bounds for commonName and organizationName (ub-common-name,
// ub-organization-name), counted in characters.
constexpr size_t kMaxNameChars = 64;

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// A verified name as it goes into CN or O: trimmed, 1..64 code points, no
// control characters. UTF-8 validity itself is checked when OpenSSL encodes it.
Result<std::string> CheckName(std::string_view raw, const char* field) {
  std::string name = Trim(raw);
  if (name.empty()) return Fail(ErrorCode::kInvalidArgument, "is required", field);
  size_t chars = 0;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument, "contains a control character", field);
    }
    if ((c & 0xc0) != 0x80) ++chars;  // count lead bytes only
  }
  if (chars > kMaxNameChars) {
    return Fail(ErrorCode::kInvalidArgument,
                "is longer than " + std::to_string(kMaxNameChars) + " characters", field);
  }
  return name;
}

// GB 11643-1999: 17 digits and a check character. The weights are 2^(17-i)
// mod 11; the sum mod 11 indexes "10X98765432".
Result<std::string> CheckIdNumber(std::string_view raw) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6,
                                                   3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  std::string id = Upper(Trim(raw));
  if (id.empty()) return Fail(ErrorCode::kInvalidArgument, "is required", "id_number");
  if (id.size() != 18) {
    return Fail(ErrorCode::kInvalidArgument, "must be 18 characters (GB 11643)", "id_number");
  }
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(id[i]))) {
      return Fail(ErrorCode::kInvalidArgument, "the first 17 characters must be digits",
                  "id_number");
    }
    sum += (id[i] - '0') * kWeights[i];
  }
  if (id[17] != kCheck[sum % 11]) {
    return Fail(ErrorCode::kInvalidArgument, "the check character is wrong (GB 11643)",
                "id_number");
  }
  return id;
}

// GB 32100-2015: 17 characters of a 31-letter alphabet and a check character
// = 31 - (weighted sum mod 31), 31 standing for 0; weights 3^i mod 31.
Result<std::string> CheckCreditCode(std::string_view raw) {
  static constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                   29, 25, 13, 8,  24, 10, 30, 28};
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  std::string code = Upper(Trim(raw));
  if (code.empty()) return Fail(ErrorCode::kInvalidArgument, "is required", "credit_code");
  if (code.size() != 18) {
    return Fail(ErrorCode::kInvalidArgument, "must be 18 characters (GB 32100)",
                "credit_code");
  }
  int sum = 0;
  for (size_t i = 0; i < 18; ++i) {
    size_t value = kAlphabet.find(code[i]);
    if (value == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string("'") + code[i] + "' is not a GB 32100 character", "credit_code");
    }
    if (i < 17) sum += static_cast<int>(value) * kWeights[i];
  }
  int check = (31 - sum % 31) % 31;
  if (code[17] != kAlphabet[static_cast<size_t>(check)]) {
    return Fail(ErrorCode::kInvalidArgument, "the check character is wrong (GB 32100)",
                "credit_code");
  }
  return code;
}

// The person attributes: serialNumber (pseudonymous ID) and CN.
Result<std::vector<crypto::NameEntry>> PersonEntries(const SubjectInfo& info) {
  auto name = CheckName(info.person_name, "person_name");
  if (!name) return Fail(name.error());
  auto id = CheckIdNumber(info.id_number);
  if (!id) return Fail(id.error());
  return std::vector<crypto::NameEntry>{{"serialNumber", PersonIdentifier(*id)}, {"CN", *name}};
}

// The organisation attributes: O and organizationIdentifier.
Result<std::vector<crypto::NameEntry>> OrgEntries(const SubjectInfo& info) {
  auto name = CheckName(info.org_name, "org_name");
  if (!name) return Fail(name.error());
  auto code = CheckCreditCode(info.credit_code);
  if (!code) return Fail(code.error());
  return std::vector<crypto::NameEntry>{{"O", *name}, {"organizationIdentifier", *code}};
}

}  // namespace

std::string_view ProfileToken(Profile p) {
  switch (p) {
    case Profile::kPersonal: return "personal";
    case Profile::kOrganisation: return "organisation";
    case Profile::kEmployee: return "employee";
  }
  return "personal";
}

Result<Profile> ParseProfile(std::string_view token) {
  for (Profile p : {Profile::kPersonal, Profile::kOrganisation, Profile::kEmployee}) {
    if (token == ProfileToken(p)) return p;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown profile '" + std::string(token) +
                  "' (expected personal, organisation or employee)",
              "profile");
}

std::string PersonIdentifier(std::string_view id_number) {
  std::string input = "sealkey-person-id-v1:" + Upper(Trim(id_number));
  Bytes digest = crypto::Hash(crypto::HashAlg::kSm3, AsBytes(input));
  digest.resize(16);
  return HexEncodeUpper(digest);
}

Result<std::vector<crypto::NameEntry>> SubjectFor(Profile profile, const SubjectInfo& info) {
  std::vector<crypto::NameEntry> subject = {{"C", "CN"}};
  if (profile == Profile::kOrganisation || profile == Profile::kEmployee) {
    auto org = OrgEntries(info);
    if (!org) return Fail(org.error());
    subject.insert(subject.end(), org->begin(), org->end());
  }
  if (profile == Profile::kOrganisation) {
    subject.push_back({"CN", subject[1].value});
    return subject;
  }
  auto person = PersonEntries(info);
  if (!person) return Fail(person.error());
  subject.insert(subject.end(), person->begin(), person->end());
  return subject;
}

}  // namespace sealkey::ca
