// Enrollment: trading an IT engineer's single-use token for this
// workstation's own credential (POST /api/v1/agents/enroll), and learning
// the key the vault signs policy bundles with. The result is saved as the
// agent's state (agent_state.hpp); nothing is written when the vault refuses.
//
// Thread-safety: one call at a time (it writes the state folder).
#pragma once

#include <filesystem>
#include <string>

#include "custos/agent/agent_state.hpp"
#include "custos/platform/error.hpp"
#include "custos/platform/secret.hpp"

namespace custos::agent {

struct EnrollRequest {
  std::string server;       // "https://vault:8443"
  std::string fingerprint;  // "SHA256:…"
  Secret token;             // "cet_…"
  std::filesystem::path state_dir;
  std::filesystem::path machine_id_file = "/etc/machine-id";
};

// The machine id: the first line of `file`, which must be 1–128 printable
// ASCII characters (systemd's is 32 hex digits).
Result<std::string> read_machine_id(const std::filesystem::path& file);
// This host's name (gethostname).
Result<std::string> host_name();

// Enrolls and saves the state. already_exists when the state folder holds a
// state already (a workstation enrolls once; to enroll again, remove it).
Result<AgentState> enroll(const EnrollRequest& request);

}  // namespace custos::agent
