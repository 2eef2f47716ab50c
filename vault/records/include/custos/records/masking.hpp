// Masking of identifying numbers for lists, reports and exports shown to
// people whose role or grant does not allow the full value.
//
// The rule (docs/records.md repeats it):
//   ID number    keep the first 4 and the last 4 characters  4401**********1234
//   bank card    keep the first 4 and the last 4 digits      6222***********0018
//   phone        keep the first 3 and the last 4 digits      138****8000
// Every character in between becomes one '*', so the length stays visible
// (it tells an 18-digit ID from a 15-digit one). A value too short to hide
// at least 4 characters that way is masked completely, one '*' per
// character. Phone and card numbers lose their spaces and hyphens first.
// Characters are UTF-8 code points, so a malformed non-ASCII value never
// leaves half a character behind.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace custos::records {

std::string mask_id_number(std::string_view id);
std::string mask_phone(std::string_view phone);
std::string mask_bank_card(std::string_view card);

// The general form: keep `front` and `back` code points, star the middle.
std::string mask_middle(std::string_view text, std::size_t front, std::size_t back);

}  // namespace custos::records
