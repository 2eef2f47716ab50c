#include "view_rule.hpp"

#include <mutex>
#include <optional>

#include "custos/policy/model.hpp"
#include "custos/policy/parser.hpp"

namespace custos::vault {
namespace {

// The latest policy, parsed once per version: a view's check runs every
// few seconds and the policy changes seldom.
struct ParsedPolicy {
  std::mutex mutex;
  std::string sha256;
  std::optional<policy::Policy> policy;
};

ParsedPolicy& parsed() {
  static ParsedPolicy cache;
  return cache;
}

}  // namespace

Result<void> check_view_rule(Transaction& tx, const Document& document, std::string_view user_department,
                             std::string_view workstation_department) {
  const auto level = policy::level_from_string(to_string(document.level));
  if (level == policy::Level::unknown) return fail(ErrorCode::permission_denied, "the document has no known level");
  auto record = tx.latest_policy();
  if (!record && record.error().code != ErrorCode::not_found) return fail(record.error());
  const policy::DepartmentSettings built_in;
  policy::LevelRules rules = built_in.level(level);
  std::string rule = "implicit:levels." + std::string(to_string(document.level)) + ".view_own_department_only";
  if (record) {
    auto& cache = parsed();
    std::lock_guard lock(cache.mutex);
    if (cache.sha256 != record->source_sha256) {
      auto report = policy::parse_policy(record->source, record->file_name);
      if (!report.policy) return fail(ErrorCode::corrupt, "the applied policy no longer parses");
      cache.policy = std::move(report.policy);
      cache.sha256 = record->source_sha256;
    }
    if (const auto* department = cache.policy->find(document.department); department != nullptr) {
      rules = department->settings.level(level);
      rule = document.department + ":levels." + std::string(to_string(document.level)) + ".view_own_department_only";
    }
  }
  if (!rules.view_own_department_only) return ok();
  const auto refuse = [&](std::string_view who, std::string_view department) {
    return fail(ErrorCode::permission_denied, std::string(to_string(document.level)) + " documents of " +
                                                  document.department + " are viewed only by its own " +
                                                  std::string(who) + "s (this " + std::string(who) + " is of " +
                                                  std::string(department) + "; rule " + rule + ")");
  };
  if (user_department != document.department) return refuse("user", user_department);
  if (workstation_department != document.department) return refuse("workstation", workstation_department);
  return ok();
}

}  // namespace custos::vault
