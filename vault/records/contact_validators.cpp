#include "custos/records/contact_validators.hpp"

namespace custos::records {
namespace {

constexpr bool all_digits(std::string_view s) noexcept {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::optional<CompactNumber> CompactNumber::from(std::string_view text) noexcept {
  CompactNumber out;
  for (const char c : text) {
    if (c == ' ' || c == '-') continue;
    if (out.size_ == kCapacity) return std::nullopt;
    out.chars_[out.size_++] = c;
  }
  return out;
}

bool luhn_valid(std::string_view digits) noexcept {
  if (!all_digits(digits)) return false;
  // From the rightmost (check) digit leftwards, double every second digit
  // and fold two-digit products (d*2-9 equals the sum of its digits).
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::expected<void, FindingCode> check_mobile_phone(std::string_view text) noexcept {
  const auto number = CompactNumber::from(text);
  if (!number) return std::unexpected(FindingCode::phone_format);
  const std::string_view d = number->view();
  if (d.size() != 11 || !all_digits(d) || d[0] != '1' || d[1] < '3') {
    return std::unexpected(FindingCode::phone_format);
  }
  return {};
}

std::expected<void, FindingCode> check_bank_card(std::string_view text) noexcept {
  const auto number = CompactNumber::from(text);
  if (!number) return std::unexpected(FindingCode::bank_card_luhn);
  const std::string_view d = number->view();
  if (d.size() < 12 || d.size() > 19 || !luhn_valid(d)) return std::unexpected(FindingCode::bank_card_luhn);
  return {};
}

}  // namespace custos::records
