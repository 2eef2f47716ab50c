// What enrollment leaves on the workstation: which vault (address and pinned
// certificate fingerprint), who this agent is there (name, department), its
// credential, and the key the vault signs policy bundles with. One JSON file,
// `agent.json` in the state folder, written atomically with mode 0600 (it
// holds the credential) and refused when group or others may read it.
//
// Thread-safety: plain values; the file functions are not synchronised with
// each other (only enrollment writes, before the daemon runs).
#pragma once

#include <filesystem>
#include <string>

#include "custos/platform/error.hpp"
#include "custos/platform/secret.hpp"
#include "custos/platform/signing.hpp"

namespace custos::agent {

struct AgentState {
  std::string server;       // "https://vault.example:8443"
  std::string fingerprint;  // "SHA256:…", the vault certificate's
  std::string agent_name;   // "agent-7"
  std::string department;   // the department whose policy applies here
  std::string machine_id;   // as enrolled; heartbeats carry it
  std::string hostname;
  PublicKey policy_key;     // verifies every policy bundle
  Secret credential;        // "cag_…", sent as X-Custos-Agent
  std::int64_t heartbeat_seconds = 60;
};

// <state_dir>/agent.json
std::filesystem::path state_file(const std::filesystem::path& state_dir);

// Creates the state folder (0700) and writes the state atomically, 0600.
Result<void> save_state(const std::filesystem::path& state_dir, const AgentState& state);
// not_found when the workstation was never enrolled; corrupt for a file that
// does not hold a complete state; permission_denied when it is readable by
// others.
Result<AgentState> load_state(const std::filesystem::path& state_dir);

}  // namespace custos::agent
