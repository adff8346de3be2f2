// Money on invoices: amounts are int64 fen (分, 1/100 yuan) everywhere.
#pragma once

#include <cstdint>
#include <string>

namespace sealkey::invoice {

// The amount in Chinese financial capitals (大写金额), as written after
// "人民币" / "价税合计（大写）", following the People's Bank of China rules
// for bills (《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》, 第三条):
//   - digits 壹贰叁肆伍陆柒捌玖, units 拾佰仟 万 亿; a leading ten is 壹拾;
//   - one 零 for a run of zeros between non-zero digits (陆仟零柒元,
//     壹拾万零伍佰元, 壹亿零柒仟元), except that zeros ending at the 万 or 亿
//     position are absorbed by that unit when the next digit is non-zero
//     (壹拾万柒仟元: of the two forms the rule allows, its first);
//   - 元 ends the yuan part; then 整 when there are no 角 and 分; after 角
//     without 分 no 整 is written (the rule's own example: 伍角); never after 分;
//   - 零 after 元 when the 角 position is zero and 分 is not (零贰分,
//     mandatory), and when the 元 position is zero and 角 is not (捌拾元零叁角,
//     the first of the two forms the rule allows);
//   - below one yuan there is no 元: 伍角, 伍分, 壹角伍分; zero is 零元整.
// A negative amount is prefixed with 负 (red-letter invoices).
std::string AmountInWords(int64_t fen);

// "1234.56", "-0.05": plain decimal yuan with two places, no grouping (as
// invoices print 金额 and ¥ figures).
std::string FormatYuan(int64_t fen);

}  // namespace sealkey::invoice
