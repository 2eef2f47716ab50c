// IdNumber: a validated mainland China resident identity number (GB 11643-1999).
//
// The only way to hold an IdNumber is `IdNumber::parse`, so one you hold has
// passed every rule below and is in the normalised 18-character form:
//   1. format — 18 characters: 17 digits then a digit or X (lower-case x is
//      accepted and normalised to X); or the legacy 15-digit form
//      (region, YYMMDD, sequence), which is converted to 18 characters with
//      a 19xx birth year and a computed check character     → id_format
//   2. region — the first two digits are a known province-level code:
//      11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82, 83 → id_region
//   3. birth date — characters 7–14 are a real calendar date, not after
//      `today`                                              → id_birth_date
//   4. check character — ISO 7064 MOD 11-2 over the first 17 digits
//      (18-character input only)                             → id_checksum
// The first rule broken is the one reported. The 17th character's parity
// gives the gender (odd = male).
//
// Parsing never allocates and never throws; it is meant to run tens of
// millions of times a second.
//
// Thread-safety: immutable value; `parse` is a pure function.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <string_view>

#include "custos/records/date.hpp"
#include "custos/records/finding.hpp"

namespace custos::records {

enum class Gender : std::uint8_t { male, female };

class IdNumber {
 public:
  static std::expected<IdNumber, FindingCode> parse(std::string_view text, Date today) noexcept;

  // The normalised 18-character form.
  std::string_view text() const noexcept { return {chars_.data(), chars_.size()}; }
  Date birth_date() const noexcept { return birth_; }
  Gender gender() const noexcept { return (chars_[16] - '0') % 2 == 1 ? Gender::male : Gender::female; }
  // True when the input was the 15-digit legacy form.
  bool was_legacy() const noexcept { return legacy_; }

  // A lossless 64-bit key of the number (17 digits and the check value), used
  // to tell customers apart without keeping their ID numbers as strings.
  std::uint64_t key() const noexcept;

  friend bool operator==(const IdNumber& a, const IdNumber& b) noexcept { return a.chars_ == b.chars_; }

 private:
  IdNumber() = default;

  std::array<char, 18> chars_{};
  Date birth_{};
  bool legacy_ = false;
};

// The MOD 11-2 check character ('0'–'9' or 'X') for the first 17 digits.
// `digits17` must be 17 ASCII digits.
char id_check_character(std::string_view digits17) noexcept;

// True for the two-digit province-level codes listed above.
bool is_known_province(int code) noexcept;

}  // namespace custos::records
