#include "custos/records/id_number.hpp"

#include <cstring>
#include <utility>

namespace custos::records {

namespace {

// ISO 7064 MOD 11-2 as GB 11643 states it: weight of position i is 2^(17-i)
// mod 11, and the check character maps (sum mod 11) through this table.
constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::array<char, 11> kCheck = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

// A 100-entry bitmap instead of a switch: one load and no branch mispredicts
// on the hot path.
constexpr std::array<bool, 100> make_provinces() {
  std::array<bool, 100> known{};
  const auto mark = [&](int from, int to) {
    for (int c = from; c <= to; ++c) known[static_cast<std::size_t>(c)] = true;
  };
  mark(11, 15);
  mark(21, 23);
  mark(31, 37);
  mark(41, 46);
  mark(50, 54);
  mark(61, 65);
  mark(71, 71);
  mark(81, 83);
  return known;
}
constexpr std::array<bool, 100> kProvinces = make_provinces();

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr int digit(char c) noexcept { return c - '0'; }

// Eight bytes are all ASCII digits when every high nibble is 3 and adding 6
// to every byte leaves the high nibble 3 (a low nibble of 10–15 carries).
// No carry crosses a byte: each byte is at most 0x3F + 6 by then.
bool eight_digits(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL;
  constexpr std::uint64_t kThrees = 0x3030303030303030ULL;
  return (w & kHigh) == kThrees && ((w + 0x0606060606060606ULL) & kHigh) == kThrees;
}

bool first_17_are_digits(const char* p) noexcept {
  return eight_digits(p) && eight_digits(p + 8) && is_digit(p[16]);
}

// The MOD 11-2 weighted sum, unrolled at compile time (the loop form was
// the hottest code of a whole records check).
template <std::size_t... I>
unsigned weighted_sum(const char* p, std::index_sequence<I...>) noexcept {
  return ((static_cast<unsigned>(p[I] - '0') * static_cast<unsigned>(kWeights[I])) + ...);
}

}  // namespace

bool is_known_province(int code) noexcept {
  return code >= 0 && code < 100 && kProvinces[static_cast<std::size_t>(code)];
}

char id_check_character(std::string_view digits17) noexcept {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += digit(digits17[i]) * kWeights[i];
  return kCheck[static_cast<std::size_t>(sum % 11)];
}

std::expected<IdNumber, FindingCode> IdNumber::parse(std::string_view text, Date today) noexcept {
  // One pass over the digits does the format check and the MOD 11-2 sum
  // together; this function runs once per record and dominates a check.
  IdNumber id;
  auto& c = id.chars_;
  if (text.size() == 18) {
    std::memcpy(c.data(), text.data(), 18);
  } else if (text.size() == 15) {
    // Legacy numbers (issued before 1999) carry a two-digit year that is
    // always 19xx and no check character: insert "19", compute the check.
    std::memcpy(c.data(), text.data(), 6);
    c[6] = '1';
    c[7] = '9';
    std::memcpy(c.data() + 8, text.data() + 6, 9);
    c[17] = '0';
    id.legacy_ = true;
  } else {
    return std::unexpected(FindingCode::id_format);
  }
  if (c[17] == 'x') c[17] = 'X';
  if (!first_17_are_digits(c.data()) || (!is_digit(c[17]) && c[17] != 'X')) {
    return std::unexpected(FindingCode::id_format);
  }
  const unsigned sum = weighted_sum(c.data(), std::make_index_sequence<17>{});

  if (!kProvinces[static_cast<std::size_t>(digit(c[0]) * 10 + digit(c[1]))]) {
    return std::unexpected(FindingCode::id_region);
  }
  const int year = digit(c[6]) * 1000 + digit(c[7]) * 100 + digit(c[8]) * 10 + digit(c[9]);
  const int month = digit(c[10]) * 10 + digit(c[11]);
  const int day = digit(c[12]) * 10 + digit(c[13]);
  const auto birth = Date::from_ymd(year, month, day);
  if (!birth || today < *birth) return std::unexpected(FindingCode::id_birth_date);
  id.birth_ = *birth;

  const char expected = kCheck[sum % 11];
  if (id.legacy_) {
    c[17] = expected;
  } else if (c[17] != expected) {
    return std::unexpected(FindingCode::id_checksum);
  }
  return id;
}

std::uint64_t IdNumber::key() const noexcept {
  // 17 digits < 10^17 and a check value 0–10: value * 11 + check < 1.1e18,
  // which fits in 63 bits; the top bit stays free for other key spaces.
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 17; ++i) value = value * 10 + static_cast<std::uint64_t>(digit(chars_[i]));
  const char last = chars_[17];
  return value * 11 + static_cast<std::uint64_t>(last == 'X' ? 10 : digit(last));
}

}  // namespace custos::records
