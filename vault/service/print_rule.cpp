#include "print_rule.hpp"

#include "custos/policy/evaluator.hpp"
#include "custos/policy/parser.hpp"

namespace custos::vault {

Result<void> check_print_rule(Transaction& tx, const Document& document) {
  const auto level_name = std::string(to_string(document.level));
  const auto level = policy::level_from_string(level_name);
  auto record = tx.latest_policy();
  if (!record && record.error().code != ErrorCode::not_found) return fail(record.error());
  if (!record) {
    if (level != policy::Level::unknown && policy::DepartmentSettings{}.level(level).allow_printing) return ok();
    return fail(ErrorCode::permission_denied, "documents of level " + level_name +
                                                  " may not be printed (built-in rule levels." + level_name +
                                                  ".allow_printing)");
  }
  auto parsed = policy::to_result(policy::parse_policy(record->source, record->file_name));
  if (!parsed) return fail(ErrorCode::internal, "the applied policy no longer parses: " + parsed.error().message);
  policy::AccessQuery query;
  query.action = policy::Action::print;
  query.level = level;
  query.department = document.department;
  // The decision names its rule in the compiled policy: keep it alive.
  const auto compiled = policy::CompiledPolicy::compile(*parsed);
  const auto decision = compiled.decide_access(query);
  if (decision.verdict == policy::Verdict::needs_approval || decision.verdict == policy::Verdict::allow) return ok();
  return fail(ErrorCode::permission_denied, "the policy (version " + std::to_string(record->version) + ", rule " +
                                                std::string(decision.rule_id) + ") forbids printing " + level_name +
                                                " documents of department '" + document.department + "'");
}

}  // namespace custos::vault
