// The agent's configuration, /etc/custos/agent.toml. Every key is optional;
// the defaults below are what a workstation needs, and tests point the roots
// (sysfs, /dev, machine id) at folders of their own. docs/agent.md lists the
// keys. An unknown key or a value of the wrong type is refused with the
// file, line and column, so a typo never silently falls back to a default.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "custos/platform/error.hpp"

namespace custos::agent {

inline constexpr const char* kDefaultConfigFile = "/etc/custos/agent.toml";

struct AgentConfig {
  // Enrollment state, the policy cache and the outbox (agent.json,
  // policy.bundle, outbox.db). Created mode 0700.
  std::filesystem::path state_dir = "/var/lib/custos-agent";
  // The local API's Unix socket (mode 0660, group `custos` when it exists).
  std::filesystem::path socket = "/run/custos-agent/agent.sock";
  // Where the workstation's identity is read at enrollment and sent with
  // every heartbeat.
  std::filesystem::path machine_id_file = "/etc/machine-id";
  // Roots of the kernel's device views; tests use a fake tree.
  std::filesystem::path sysfs_root = "/sys";
  std::filesystem::path dev_root = "/dev";
  std::filesystem::path mountinfo = "/proc/self/mountinfo";
  // systemd-logind's session files: who is at the workstation, named in
  // device events.
  std::filesystem::path sessions_dir = "/run/systemd/sessions";
  // false: no USB enforcement at all (the agent still reports and serves
  // its local API). Only for machines where another tool controls devices.
  bool device_control = true;
  // Kernel uevents from netlink (true), or none (false: only the devices
  // present at start and after each policy change are decided; for tests
  // over a fake tree).
  bool uevents = true;
  // The outbox's bound; past it, info events are shed first (never warning
  // or critical ones) and an "agent.gap" event says how many.
  std::int64_t outbox_max_bytes = std::int64_t{256} << 20;
  // 0: as often as the vault says (its [agents] heartbeat_seconds).
  std::int64_t heartbeat_seconds = 0;
  // trace, debug, info, warn or error.
  std::string log_level = "info";
  // The program that renders views and prints (agent_worker.hpp). Empty:
  // custos-agent-worker in the folder of the running custos-agent.
  std::filesystem::path worker{};
  // How long a print job may take in CUPS before it is cancelled (and the
  // approval handed back, unless it printed meanwhile).
  std::int64_t print_timeout_seconds = 120;
  // Offline mode (offline_policy.hpp): a signed policy bundle file enforced
  // without enrollment or vault. Empty: online. When set, policy_key (the
  // key text "ed25519:…" or a file holding it) and department are required.
  std::filesystem::path policy_file{};
  std::string policy_key{};
  std::string department{};
};

// Reads `file`. When it does not exist: the defaults if `optional`, else
// not_found. invalid_argument for a malformed file, an unknown key or a
// value out of range.
Result<AgentConfig> load_agent_config(const std::filesystem::path& file, bool optional);

}  // namespace custos::agent
