// A guard run before toml++ sees a file (policies, vault.toml, agent.toml). toml++ 3.3 (Debian 12)
// reaches undefined behaviour (TOML_UNREACHABLE in its Unicode whitespace
// table) when it asks "is this whitespace?" about certain non-ASCII
// characters: upstream issues marzer/tomlplusplus#190 and #295. It asks that
// only outside strings and comments (where TOML allows no non-ASCII anyway)
// and right after a backslash in a multi-line basic string; this scan finds
// those places first and reports them as ordinary syntax errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custos::toml_prescreen {

struct TomlHazard {
  std::uint32_t line = 1;  // 1-based, columns counted in characters
  std::uint32_t column = 1;
  bool after_backslash = false;  // the multi-line-string case, else "outside strings"
};

std::optional<TomlHazard> find_toml_hazard(std::string_view text) noexcept;

// What was found, and what to do about it.
std::string_view problem(const TomlHazard& hazard) noexcept;
std::string_view remedy(const TomlHazard& hazard) noexcept;
// Both as one line: "problem (remedy)".
std::string describe(const TomlHazard& hazard);

}  // namespace custos::toml_prescreen
