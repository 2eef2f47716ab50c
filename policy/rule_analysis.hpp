// Internal: warnings about a department's rule list as a whole — a rule that
// can never match (contradictory, or after a rule that matches everything)
// and a rule shadowed by an earlier one that matches all it would.
#pragma once

#include <string_view>
#include <vector>

#include "custos/policy/diagnostic.hpp"
#include "custos/policy/model.hpp"

namespace custos::policy::detail {

// True when no device interface can satisfy the rule's conditions.
bool contradictory(const DeviceRule& rule) noexcept;

// True when every interface `later` matches is also matched by `earlier`.
// Conservative: false when in doubt, so a warning is always right.
bool covers(const DeviceRule& earlier, const DeviceRule& later) noexcept;

void analyse_rules(const std::vector<DeviceRule>& rules, std::string_view file, std::vector<Diagnostic>& out);

}  // namespace custos::policy::detail
