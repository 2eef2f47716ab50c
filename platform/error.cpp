#include "custos/platform/error.hpp"

#include <array>

namespace custos {
namespace {

constexpr std::array<std::string_view, 15> kNames = {
    "invalid_argument", "not_found", "already_exists", "unauthenticated",
    "permission_denied", "locked", "conflict", "too_large", "expired",
    "unavailable", "io", "corrupt", "crypto", "timeout", "internal",
};

}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames[index] : std::string_view("internal");
}

ErrorCode error_code_from_string(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<ErrorCode>(i);
  }
  return ErrorCode::internal;
}

std::string Error::describe() const {
  std::string out(to_string(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace custos
