#include "custos/records/masking.hpp"

#include <vector>

#include "custos/records/contact_validators.hpp"

namespace custos::records {
namespace {

// Fewer than this many hidden characters would reveal nearly the whole value.
constexpr std::size_t kMinHidden = 4;

constexpr bool is_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Byte offsets where each code point starts (plus the end).
std::vector<std::size_t> code_point_starts(std::string_view text) {
  std::vector<std::size_t> starts;
  starts.reserve(text.size() + 1);
  // Byte 0 always starts one, even a stray continuation byte, so a
  // malformed value still has a well-defined first character.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 0 || !is_continuation(text[i])) starts.push_back(i);
  }
  starts.push_back(text.size());
  return starts;
}

std::string mask_compact(std::string_view text, std::size_t front, std::size_t back) {
  if (const auto compact = CompactNumber::from(text)) return mask_middle(compact->view(), front, back);
  return mask_middle(text, front, back);
}

}  // namespace

std::string mask_middle(std::string_view text, std::size_t front, std::size_t back) {
  const auto starts = code_point_starts(text);
  const std::size_t count = starts.size() - 1;
  if (count < front + back + kMinHidden) return std::string(count, '*');
  std::string out;
  out.reserve(text.size());
  out.append(text.substr(0, starts[front]));
  out.append(count - front - back, '*');
  out.append(text.substr(starts[count - back]));
  return out;
}

std::string mask_id_number(std::string_view id) { return mask_middle(id, 4, 4); }
std::string mask_phone(std::string_view phone) { return mask_compact(phone, 3, 4); }
std::string mask_bank_card(std::string_view card) { return mask_compact(card, 4, 4); }

}  // namespace custos::records
