#include "server/account/policy.h"

#include <cctype>
#include <vector>

#include "server/http/router.h"

namespace sealkey::server {

Result<std::string> NormalizePhone(std::string_view text, const char* field) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '-') continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument, "is not a mobile number",
                            "不是有效的手机号码", field));
    }
    digits.push_back(c);
  }
  if (plus && digits.rfind("86", 0) != 0) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "only mainland China (+86) numbers",
                          "仅支持中国大陆 (+86) 手机号码", field));
  }
  if (digits.size() == 13 && digits.rfind("86", 0) == 0) digits = digits.substr(2);
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3' || digits[1] > '9') {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "is not a mainland mobile number (11 digits starting 13-19)",
                          "不是有效的大陆手机号码（以 13-19 开头的 11 位数字）", field));
  }
  return "+86" + digits;
}

Status CheckPasswordPolicy(const SecureBuffer& pw, const char* field) {
  size_t chars = 0;
  bool upper = false, lower = false, digit = false, other = false;
  for (uint8_t c : pw.span()) {
    if ((c & 0xc0) == 0x80) continue;
    ++chars;
    if (std::isupper(c)) upper = true;
    else if (std::islower(c)) lower = true;
    else if (std::isdigit(c)) digit = true;
    else other = true;
  }
  if (chars < 8 || chars > 16) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "must be 8 to 16 characters (got " + std::to_string(chars) + ")",
                          "长度须为 8 到 16 个字符（当前 " + std::to_string(chars) + " 个）", field));
  }
  int classes = upper + lower + digit + other;
  if (classes >= 3) return Ok();
  std::vector<std::pair<const char*, const char*>> missing;
  if (!upper) missing.push_back({"upper-case letters", "大写字母"});
  if (!lower) missing.push_back({"lower-case letters", "小写字母"});
  if (!digit) missing.push_back({"digits", "数字"});
  if (!other) missing.push_back({"special characters", "特殊字符"});
  std::string en, zh;
  for (const auto& [e, z] : missing) {
    en += (en.empty() ? "" : ", ") + std::string(e);
    zh += (zh.empty() ? "" : "、") + std::string(z);
  }
  int more = 3 - classes;
  return Fail(Bilingual(ErrorCode::kInvalidArgument,
                        "needs at least 3 of: upper-case, lower-case, digits, special characters; "
                        "add " + std::to_string(more) + " more of: " + en,
                        "须包含大写字母、小写字母、数字、特殊字符中的至少 3 类；还需加入以下 " +
                            std::to_string(more) + " 类：" + zh,
                        field));
}

bool ValidPurpose(std::string_view p) {
  return p == "login" || p == "reset_password" || p == "change_password" ||
         p == "delete_account" || p == "verify_phone" || p == "reissue_certificate" ||
         p == "authorise_order";
}

Status CheckEmail(const std::string& email, const char* field) {
  size_t at = email.find('@');
  bool ok = email.size() <= 254 && at != std::string::npos && at > 0 &&
            email.find('.', at) != std::string::npos && email.back() != '.' &&
            email.find_first_of(" \t\r\n<>,;") == std::string::npos;
  if (ok) return Ok();
  return Fail(Bilingual(ErrorCode::kInvalidArgument, "is not an e-mail address",
                        "不是有效的电子邮箱地址", field));
}

}  // namespace sealkey::server
