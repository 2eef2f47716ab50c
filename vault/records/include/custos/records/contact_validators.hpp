// Validators of the contact and payment fields of a record: mainland mobile
// phone numbers and bank card numbers.
//
// Both accept the number as people type it: spaces and hyphens between
// digits are ignored ("138-0013-8000", "6222 0202 0000 0000 018"); nothing
// else is removed, so "+86…" or full-width digits fail. The same
// normalisation feeds the suspicious-customer index, so "13800138000" and
// "138 0013 8000" are one phone number there.
//
//   mobile phone: exactly 11 digits, "1" then 3–9 then nine digits → else phone_format
//   bank card:    12–19 digits with a valid Luhn check digit       → else bank_card_luhn
//                 (a wrong length or a non-digit is also bank_card_luhn:
//                 the card number cannot pass the check)
//
// Thread-safety: pure functions; no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>

#include "custos/records/finding.hpp"

namespace custos::records {

// A number with its separators removed, held inline (no allocation).
class CompactNumber {
 public:
  static constexpr std::size_t kCapacity = 32;

  // nullopt when more than kCapacity characters remain after removing
  // spaces and hyphens (no phone or card number is that long).
  static std::optional<CompactNumber> from(std::string_view text) noexcept;

  std::string_view view() const noexcept { return {chars_.data(), size_}; }

 private:
  std::array<char, kCapacity> chars_{};
  std::uint8_t size_ = 0;
};

std::expected<void, FindingCode> check_mobile_phone(std::string_view text) noexcept;
std::expected<void, FindingCode> check_bank_card(std::string_view text) noexcept;

// The Luhn (ISO/IEC 7812) check over ASCII digits; false for any non-digit or empty input.
bool luhn_valid(std::string_view digits) noexcept;

}  // namespace custos::records
