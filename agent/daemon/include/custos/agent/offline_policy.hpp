// Offline mode: `custos-agent run --policy-file BUNDLE --policy-key KEY
// --department D` (or the agent.toml keys policy_file, policy_key,
// department). No enrollment, no vault: the agent enforces one signed policy
// bundle given as a file — for an air-gapped workstation, an IT engineer's
// check of a bundle on real hardware, and the real-kernel test.
//
// The bundle goes through exactly the checks of the online path
// (policy::accept_bundle through the PolicyKeeper): signed by the given key,
// for the given department, not expired, and no rollback — a bundle older
// than the one cached in the state folder is refused, and so is a different
// bundle under the version cached. The cache (policy.bundle) is the one the
// online agent keeps, so an enrolled agent's newer policy is never replaced
// by an older file. Events go to the outbox as usual; nothing sends them.
//
// Thread-safety: free functions, called once at start.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "custos/agent/agent_config.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/platform/error.hpp"
#include "custos/platform/signing.hpp"

namespace custos::agent {

struct OfflinePolicy {
  std::filesystem::path bundle;  // the signed bundle file
  PublicKey key;                 // the key it must be signed with
  std::string department;        // the department it must be for
};

// The offline settings of `config`: nullopt when it names no policy_file
// (the agent is online). invalid_argument when policy_file is set without
// policy_key or department, or the key cannot be read.
Result<std::optional<OfflinePolicy>> offline_policy(const AgentConfig& config);

// A policy public key given as text ("ed25519:<base64>", what `custos policy
// key` and the vault's enrollment answer show) or as a file holding that text
// on its first line. invalid_argument when neither.
Result<PublicKey> read_policy_key(std::string_view key_or_file);

// Applies the bundle file through `keeper` (whose key and department are the
// offline ones): the cache `cached` is loaded first (a refused cache is only
// logged: the file decides), then the file is offered. Yields the version in
// force; `events` is the keeper's. Refusals carry accept_bundle's codes (corrupt, crypto,
// permission_denied, conflict, expired); conflict also for a bundle whose
// version is the cached one but whose bytes differ; not_found or io when the
// file cannot be read. Each refusal of the file is a policy.refused event.
Result<std::uint64_t> apply_policy_file(PolicyKeeper& keeper, const std::filesystem::path& bundle,
                                        const std::filesystem::path& cached, EventSink& events);

}  // namespace custos::agent
