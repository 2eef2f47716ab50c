#include "custos/records/finding.hpp"

#include <array>

namespace custos::records {
namespace {

// Indexed by the enum's value; the static_assert keeps the two in step.
constexpr std::array<std::string_view, 9> kNames = {
    "missing_field", "id_format",           "id_region",    "id_birth_date", "id_checksum",
    "gender_mismatch", "birth_date_mismatch", "phone_format", "bank_card_luhn",
};
static_assert(static_cast<std::size_t>(FindingCode::bank_card_luhn) + 1 == kNames.size());

}  // namespace

std::string_view to_string(FindingCode code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames[index] : std::string_view("unknown");
}

}  // namespace custos::records
