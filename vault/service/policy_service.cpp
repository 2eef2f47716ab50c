#include "custos/vault/policy_service.hpp"

#include <algorithm>

#include "custos/platform/hash.hpp"
#include "custos/policy/bundle.hpp"
#include "custos/policy/canonical.hpp"
#include "custos/policy/parser.hpp"

namespace custos::vault {

PolicyService::PolicyService(Store& store, AuditSink& audit, const SigningKey& signing, PolicyLimits limits)
    : store_(store), audit_(audit), signing_(signing), limits_(limits) {}

Result<AppliedPolicy> PolicyService::apply(const Principal& by, std::string_view source, std::string_view file_name,
                                           const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::policy_apply));
  if (file_name.empty()) file_name = "policy.toml";
  auto report = policy::parse_policy(source, file_name);
  if (!report.ok || !report.policy) {
    auto lines = report.format();
    if (!lines.empty() && lines.back() == '\n') lines.pop_back();
    return fail(ErrorCode::invalid_argument, "the policy has errors; nothing was applied:\n" + lines);
  }
  AppliedPolicy applied;
  applied.warnings = report.format();
  auto stored = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PolicyRecord> {
    PolicyRecord row;
    row.file_name = std::string(file_name);
    row.source = std::string(source);
    row.source_sha256 = hex_encode(sha256(source));
    row.applied_by = by.user.id;
    row.applied_at = origin.now;
    auto record = tx.insert_policy(row);
    if (!record) return record;
    std::string departments;
    for (const auto& department : report.policy->departments()) {
      const policy::BundleInfo info{department.name, static_cast<std::uint64_t>(record->version), origin.now,
                                    origin.now + limits_.bundle_validity_seconds};
      auto bundle = policy::make_signed_bundle(*report.policy, info, signing_);
      if (!bundle) return fail(bundle.error());
      CUSTOS_TRY_VOID(tx.insert_policy_bundle(record->version, department.name, *bundle));
      applied.departments.push_back(department.name);
      departments += (departments.empty() ? "\"" : ",\"") + json_escape(department.name) + "\"";
    }
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::policy_apply, "policy:" + std::to_string(record->version),
                                   "{\"version\":" + std::to_string(record->version) + ",\"sha256\":\"" +
                                       row.source_sha256 + "\",\"departments\":[" + departments + "]}"));
    return record;
  });
  if (!stored) return fail(stored.error());
  applied.record = std::move(*stored);
  return applied;
}

Result<ShownPolicy> PolicyService::current(const Principal& by, const std::optional<std::string>& department,
                                           const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::policy_show));
  auto record = transact(store_, TxMode::read, [](Transaction& tx) { return tx.latest_policy(); });
  if (!record) return fail(record.error());
  // The stored source was checked when it was applied; parsing it again
  // gives the canonical form without keeping a second copy.
  auto report = policy::parse_policy(record->source, record->file_name);
  if (!report.ok || !report.policy) return fail(ErrorCode::corrupt, "the stored policy no longer parses");
  ShownPolicy shown{*record, {}};
  shown.record.source.clear();
  if (department) {
    const auto& departments = report.policy->departments();
    auto found = std::find_if(departments.begin(), departments.end(),
                              [&](const policy::Department& d) { return d.name == *department; });
    if (found == departments.end()) return fail(ErrorCode::not_found, "the policy has no department '" + *department + "'");
    shown.canonical = policy::to_canonical_toml(*found);
  } else {
    shown.canonical = policy::to_canonical_toml(*report.policy);
  }
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::policy_show, "policy:" + std::to_string(record->version),
                                           Outcome::allowed, "ok")));
  return shown;
}

Result<std::vector<PolicyRecord>> PolicyService::history(const Principal& by, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::policy_history));
  auto list = transact(store_, TxMode::read, [](Transaction& tx) { return tx.list_policies(); });
  if (!list) return list;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::policy_history, "policies", Outcome::allowed, "ok")));
  return list;
}

Result<std::string> PolicyService::bundle(const Principal& by, std::string_view department, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::policy_bundle));
  auto bundle = transact(store_, TxMode::read, [&](Transaction& tx) -> Result<std::string> {
    auto record = tx.latest_policy();
    if (!record) return fail(record.error());
    return tx.policy_bundle(record->version, department);
  });
  if (!bundle) return bundle;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::policy_bundle, "department:" + std::string(department),
                                           Outcome::allowed, "ok")));
  return bundle;
}

}  // namespace custos::vault
