#include "custos/agent/policy_keeper.hpp"

#include <spdlog/spdlog.h>

#include "custos/platform/files.hpp"
#include "custos/policy/bundle.hpp"

namespace custos::agent {

PolicyKeeper::PolicyKeeper(PublicKey pinned_key, std::string department, std::filesystem::path cache,
                           EventSink& events)
    : key_(pinned_key), department_(std::move(department)), cache_(std::move(cache)), events_(events) {}

Result<std::shared_ptr<ActivePolicy>> PolicyKeeper::verify(std::string_view bundle,
                                                           std::optional<std::uint64_t> held) const {
  auto accepted = policy::accept_bundle(bundle, key_, department_, held, now_seconds());
  if (!accepted) return fail(accepted.error());
  auto active = std::make_shared<ActivePolicy>(ActivePolicy{
      .version = accepted->info.version,
      .department = accepted->info.department,
      .expires_at = accepted->info.expires_at,
      .compiled = policy::CompiledPolicy::compile(accepted->policy),
      .department_index = std::nullopt});
  active->department_index = active->compiled.department_index(active->department);
  return active;
}

void PolicyKeeper::install(std::shared_ptr<const ActivePolicy> policy) {
  {
    std::lock_guard lock(mutex_);
    current_ = std::move(policy);
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

Result<void> PolicyKeeper::load_cache() {
  std::error_code ec;
  if (!std::filesystem::exists(cache_, ec)) return fail(ErrorCode::not_found, "no cached policy");
  auto text = files::read_text(cache_);
  if (!text) return fail(text.error());
  auto active = verify(*text, std::nullopt);
  if (!active) {
    events_.record("policy.refused", Severity::warning,
                   {{"source", "cache"}, {"code", to_string(active.error().code)}, {"reason", active.error().message}});
    return fail(active.error());
  }
  spdlog::info("applying the cached policy, version {}", (*active)->version);
  install(std::move(*active));
  return ok();
}

Result<bool> PolicyKeeper::offer(std::string_view signed_bundle, std::string_view source) {
  const auto held_version = version();
  auto active = verify(signed_bundle, held_version == 0 ? std::nullopt : std::optional(held_version));
  if (!active) {
    if (active.error().code == ErrorCode::conflict && held_version != 0) {
      // The same or an older version: a rollback is refused silently only
      // when it is the version held; an older one is worth an event.
      auto same = policy::accept_bundle(signed_bundle, key_, department_, std::nullopt, now_seconds());
      if (same && same->info.version == held_version) return false;
    }
    events_.record("policy.refused", Severity::warning,
                   {{"source", source}, {"code", to_string(active.error().code)}, {"reason", active.error().message}});
    spdlog::warn("refused a policy bundle from the {}: {}", source, active.error().describe());
    return fail(active.error());
  }
  CUSTOS_TRY_VOID(files::write_atomic(cache_, signed_bundle, 0600));
  const auto version = (*active)->version;
  install(std::move(*active));
  events_.record("policy.applied", Severity::info,
                 {{"version", version}, {"previous_version", held_version}, {"department", department_},
                  {"source", source}});
  spdlog::info("applied policy version {} (was {})", version, held_version);
  return true;
}

std::shared_ptr<const ActivePolicy> PolicyKeeper::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::uint64_t PolicyKeeper::version() const {
  std::lock_guard lock(mutex_);
  return current_ ? current_->version : 0;
}

}  // namespace custos::agent
