#include "server/kyc/id_numbers.h"

#include <cctype>
#include <ctime>

#include "server/http/router.h"

namespace sealkey::server {
namespace {

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && LeapYear(y) ? 29 : kDays[m - 1];
}

}  // namespace

Result<std::string> ValidateResidentId(std::string_view text, int64_t today_unix,
                                       const char* field) {
  std::string id(text);
  if (id.size() == 18 && id[17] == 'x') id[17] = 'X';
  bool shape = id.size() == 18;
  for (size_t i = 0; shape && i < 17; ++i) shape = std::isdigit(static_cast<unsigned char>(id[i]));
  if (shape) shape = std::isdigit(static_cast<unsigned char>(id[17])) || id[17] == 'X';
  if (!shape) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "must be 18 characters: 17 digits and a digit or X",
                          "须为 18 位：17 位数字加 1 位数字或 X", field));
  }
  static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  if ("10X98765432"[sum % 11] != id[17]) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "the check character does not match (mistyped number?)",
                          "校验位不正确（号码是否输错？）", field));
  }
  int y = std::stoi(id.substr(6, 4)), m = std::stoi(id.substr(10, 2)), d = std::stoi(id.substr(12, 2));
  time_t now = static_cast<time_t>(today_unix);
  struct tm tm {};
  gmtime_r(&now, &tm);
  int today = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m) ||
      y * 10000 + m * 100 + d > today) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "the birth date in it is not a valid date",
                          "其中的出生日期无效", field));
  }
  return id;
}

Result<std::string> ValidateCreditCode(std::string_view text, const char* field) {
  static const std::string kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int kWeights[] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  std::string code;
  for (char c : text) code.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (code.size() != 18) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be 18 characters",
                          "须为 18 位", field));
  }
  int sum = 0;
  for (int i = 0; i < 18; ++i) {
    size_t v = kAlphabet.find(code[i]);
    if (v == std::string::npos) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument,
                            std::string("character '") + code[i] +
                                "' is not allowed (I, O, S, V and Z are never used)",
                            std::string("含有不允许的字符 '") + code[i] + "'（不使用 I、O、S、V、Z）",
                            field));
    }
    if (i < 17) sum += static_cast<int>(v) * kWeights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  if (kAlphabet[check] != code[17]) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "the check character does not match (mistyped code?)",
                          "校验位不正确（代码是否输错？）", field));
  }
  return code;
}

Status CheckPersonName(const std::string& name, const char* field) {
  size_t chars = 0;
  for (unsigned char c : name) {
    if ((c & 0xc0) != 0x80) ++chars;
    if (c < 0x20 || std::isdigit(c)) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument,
                            "must not contain digits or control characters",
                            "不能包含数字或控制字符", field));
    }
  }
  if (chars < 2 || chars > 30) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be 2 to 30 characters",
                          "须为 2 到 30 个字符", field));
  }
  return Ok();
}

}  // namespace sealkey::server
