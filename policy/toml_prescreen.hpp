// Internal: a guard run before toml++ sees a file. toml++ 3.3 (Debian 12)
// reaches undefined behaviour (TOML_UNREACHABLE in its Unicode whitespace
// table) when it asks "is this whitespace?" about certain non-ASCII
// characters: upstream issues marzer/tomlplusplus#190 and #295. It asks that
// only outside strings and comments (where TOML allows no non-ASCII anyway)
// and right after a backslash in a multi-line basic string; this scan finds
// those places first and reports them as ordinary syntax errors.
#pragma once

#include <optional>
#include <string_view>

#include "custos/policy/diagnostic.hpp"

namespace custos::policy::detail {

struct TomlHazard {
  SourcePos pos;
  bool after_backslash = false;  // the multi-line-string case, else "outside strings"
};

std::optional<TomlHazard> find_toml_hazard(std::string_view text) noexcept;

}  // namespace custos::policy::detail
