// What changed between two policies, per department, for `custos policy
// diff OLD NEW` and for the audit event of `custos policy apply`.
//
// Settings are compared key by key (after inheritance from [defaults], so a
// change to [defaults] shows in every department it reaches). Rules are
// paired by label; rules without a label (whose derived id moves with its
// line) are paired by their canonical text. A paired rule that now comes
// before a rule it used to follow is reported as moved, since order decides.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custos/policy/model.hpp"

namespace custos::policy {

enum class ChangeKind : std::uint8_t {
  department_added,
  department_removed,
  setting_changed,  // subject: key path, e.g. "levels.top_secret.max_grant_days"
  rule_added,       // subject: rule id; new_value: its canonical text
  rule_removed,     // subject: rule id; old_value: its canonical text
  rule_changed,     // subject: rule id; old and new canonical text
  rule_moved,       // subject: rule id; old and new position (1-based)
};
std::string_view to_string(ChangeKind kind) noexcept;

struct PolicyChange {
  std::string department;
  ChangeKind kind = ChangeKind::setting_changed;
  std::string subject;
  std::string old_value;
  std::string new_value;
  friend bool operator==(const PolicyChange&, const PolicyChange&) = default;
};

// Changes in department order, and within one: settings, then rules.
std::vector<PolicyChange> diff_policies(const Policy& old_policy, const Policy& new_policy);

// One line per change: "sales: removable_storage: block -> read_only".
std::string format_diff_text(const std::vector<PolicyChange>& changes);
// A JSON array of {"department","kind","subject","old","new"} objects.
std::string format_diff_json(const std::vector<PolicyChange>& changes);

}  // namespace custos::policy
