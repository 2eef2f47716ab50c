// Unattended enrollment: an enrollment file, written by the IT engineer's
// rollout tool (docs/install.md has an Ansible playbook), read once before
// the agent first runs and deleted after it was used:
//
//   # /etc/custos/enroll.env, root-owned, mode 0600
//   CUSTOS_SERVER=https://vault.example:8443
//   CUSTOS_FINGERPRINT=SHA256:…
//   CUSTOS_TOKEN=cet_…        # a rollout token: custos agent token --uses N
//
// One KEY=VALUE a line, `#` comments and blank lines ignored, a value may be
// wrapped in double quotes. Unknown or repeated keys are refused.
// The service runs `custos-agent enroll --from-file` before `run`
// (ExecStartPre, outside the daemon's sandbox, which cannot delete files in
// /etc).
//
// Thread-safety: free functions; one enrollment at a time.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "custos/agent/agent_config.hpp"
#include "custos/platform/error.hpp"
#include "custos/platform/secret.hpp"

namespace custos::agent {

inline constexpr const char* kDefaultEnrollFile = "/etc/custos/enroll.env";

struct EnrollFile {
  std::string server;
  std::string fingerprint;
  Secret token;
};

// invalid_argument (naming the line, never a value) for anything malformed.
Result<EnrollFile> parse_enroll_file(std::string_view text);

enum class EnrollFileOutcome {
  absent,            // no file: nothing to do
  already_enrolled,  // the workstation has a state; the file was deleted unused
  enrolled,          // enrolled with it; the file was deleted
};

// Enrolls with `file` when the workstation is not enrolled yet. The file is
// deleted (overwritten first) once it served or once it is of no use; it
// stays when the enrollment failed, so the next start tries again. A file
// that group or others may read is refused (it holds a token).
Result<EnrollFileOutcome> enroll_from_file(const std::filesystem::path& file, const AgentConfig& config);

}  // namespace custos::agent
