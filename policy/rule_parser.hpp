// Internal: parses one device rule ("allow id 0781:* serial \"X\"") into a
// DeviceRule, or reports the first error in it at its exact file position.
#pragma once

#include <cstddef>
#include <expected>
#include <string_view>

#include "custos/policy/diagnostic.hpp"
#include "custos/policy/model.hpp"
#include "toml_string_map.hpp"

namespace custos::policy::detail {

struct RuleContext {
  std::string_view file;     // for diagnostics
  const StringMap* map;      // positions of the string the rule was taken from
  std::size_t base = 0;      // offset of the rule text within that string
};

// The rule's id is left empty unless it carries `label "..."`; the caller
// derives one from file and line otherwise. `pos` is set to the rule's start.
std::expected<DeviceRule, Diagnostic> parse_rule(std::string_view text, const RuleContext& context);

// True for a valid label: 1–64 of [A-Za-z0-9._:/-], not starting "implicit:".
bool valid_label(std::string_view label) noexcept;

}  // namespace custos::policy::detail
