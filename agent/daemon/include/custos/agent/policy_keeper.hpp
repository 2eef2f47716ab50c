// The policy the agent enforces: the last bundle that passed every check
// (signature by the pinned vault key, this agent's department, a version
// newer than the one held, still valid), kept on disk (`policy.bundle` in the
// state folder, replaced atomically) so that a restart without the vault
// applies it again — after checking it again.
//
// Before any valid bundle there is no policy, and device control fails
// secure (device_control.hpp): removable storage and optical drives blocked.
//
// Thread-safety: every member may be called from any thread. current()
// hands out an immutable snapshot; generation() grows with every change so
// that the device thread can notice one without locking.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "custos/agent/event_sink.hpp"
#include "custos/platform/error.hpp"
#include "custos/platform/signing.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/policy/evaluator.hpp"

namespace custos::agent {

struct ActivePolicy {
  std::uint64_t version = 0;
  std::string department;
  UnixSeconds expires_at = 0;
  policy::CompiledPolicy compiled;
  std::optional<std::uint32_t> department_index;  // compiled.department_index(department)
};

class PolicyKeeper {
 public:
  // `cache` is the bundle file; `events` receives policy.applied / policy.refused.
  PolicyKeeper(PublicKey pinned_key, std::string department, std::filesystem::path cache, EventSink& events);

  // Applies the cached bundle, re-verified (not a rollback check: it is our
  // own). not_found when there is none; its refusal otherwise (the agent
  // then fails secure until the vault sends a good one).
  Result<void> load_cache();

  // A bundle from the vault (or, offline, from a file: `source` names it in
  // the events). true: applied and cached; false: the version held already
  // (nothing to do). An Error: refused (recorded as an event), the held
  // policy stays in force.
  Result<bool> offer(std::string_view signed_bundle, std::string_view source = "vault");

  std::shared_ptr<const ActivePolicy> current() const;
  std::uint64_t version() const;  // 0 when none
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

 private:
  Result<std::shared_ptr<ActivePolicy>> verify(std::string_view bundle, std::optional<std::uint64_t> held) const;
  void install(std::shared_ptr<const ActivePolicy> policy);

  PublicKey key_;
  std::string department_;
  std::filesystem::path cache_;
  EventSink& events_;
  mutable std::mutex mutex_;
  std::shared_ptr<const ActivePolicy> current_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace custos::agent
