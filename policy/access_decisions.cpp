// Print, view and grant questions. They read the department's settings
// directly; each answer names the setting that decided it, in the form
// "<department>:<key path>", so the audit log can say why.
#include "compiled_policy_impl.hpp"

namespace custos::policy {

std::string_view to_string(Action action) noexcept {
  switch (action) {
    case Action::print: return "print";
    case Action::view: return "view";
    case Action::grant: return "grant";
    case Action::unknown: break;
  }
  return "unknown";
}

Action action_from_string(std::string_view text) noexcept {
  if (text == "print") return Action::print;
  if (text == "view") return Action::view;
  if (text == "grant") return Action::grant;
  return Action::unknown;
}

std::string_view to_string(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::allow: return "allow";
    case Verdict::needs_approval: return "needs_approval";
    case Verdict::deny: break;
  }
  return "deny";
}

AccessDecision CompiledPolicy::decide_access(const AccessQuery& query) const {
  const auto index = department_index(query.department);
  if (!index) return AccessDecision{Verdict::deny, kUnknownDepartmentRule, 0};
  if (query.level == Level::unknown) return AccessDecision{Verdict::deny, kUnknownLevelRule, 0};
  const detail::CompiledDepartment& d = impl_->departments[*index];
  const std::size_t l = static_cast<std::size_t>(query.level) - 1;
  const LevelRules& rules = d.settings.level(query.level);
  switch (query.action) {
    case Action::print:
      if (d.settings.printing != PrintMode::by_approval) return AccessDecision{Verdict::deny, d.printing_id, 0};
      if (!rules.allow_printing) return AccessDecision{Verdict::deny, d.allow_printing_ids[l], 0};
      return AccessDecision{Verdict::needs_approval, d.printing_id, 0};
    case Action::view:
      if (rules.view_own_department_only && query.user_department != query.department) {
        return AccessDecision{Verdict::deny, d.view_own_ids[l], 0};
      }
      return AccessDecision{Verdict::allow, d.view_own_ids[l], 0};
    case Action::grant: {
      const bool level_limits = rules.max_grant_days <= d.settings.grants.max_days;
      const std::int32_t max = level_limits ? rules.max_grant_days : d.settings.grants.max_days;
      const std::string_view rule = level_limits ? std::string_view(d.max_grant_ids[l]) : d.grants_max_id;
      const bool ok = query.grant_days >= 1 && query.grant_days <= max;
      return AccessDecision{ok ? Verdict::allow : Verdict::deny, rule, max};
    }
    case Action::unknown:
      break;
  }
  return AccessDecision{Verdict::deny, kUnknownActionRule, 0};
}

}  // namespace custos::policy
