// Test harness: a real custos-vault process on an ephemeral loopback port
// with its data in a fresh temporary folder, and a way to run the real
// `custos` binary against it. Binaries come from $CUSTOS_BIN_DIR (set by
// ctest).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "custos/vault/client.hpp"

namespace custos::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` with extra environment variables and captures its output.
CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

// Starts `argv` in the background, stdin from /dev/null, stdout and stderr
// to the files given; the caller waits for it.
pid_t spawn_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                    const std::filesystem::path& out, const std::filesystem::path& err);

std::filesystem::path bin_dir();

// POSTs `content` as a streamed body of `content_type` to `target` (an upload).
Result<boost::json::value> post_bytes(vault::VaultClient& client, const std::string& target, std::string content,
                                      const std::string& content_type);
std::filesystem::path make_temp_dir(const std::string& tag);

class VaultProcess {
 public:
  // Runs `custos-vault init` (admin password below) and starts `serve`.
  // `extra_toml`, when given, replaces the (all-comment) vault.toml init wrote.
  explicit VaultProcess(const std::string& tag, const std::string& extra_toml = "");
  ~VaultProcess();

  static constexpr const char* kAdminPassword = "admin-password-123";

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::string& fingerprint() const { return fingerprint_; }
  pid_t pid() const { return pid_; }
  bool running() const;

  // Sends SIGTERM and waits (up to `seconds`); returns the exit status or -1.
  int terminate(int seconds = 30);
  // kill -9, as a crash or a power cut would stop it, and reaps it; then
  // restart() serves the same data folder again.
  void kill_hard();
  // Serves the same data folder again (after terminate(), or stopping it
  // first); throws when the vault does not come up. `same_port`: on the
  // port it had, so that enrolled agents find it again.
  void restart(bool same_port = false);

  // A client logged in as `user` (password given), or not logged in when empty.
  vault::VaultClient client(const std::string& user = "", const std::string& password = "") const;

  // Enrolls a workstation agent of `department` (a token made by the admin)
  // and returns its credential; `set_agent_credential` it on a client to
  // fetch content as an enrolled workstation does.
  std::string enroll_agent(const std::string& department, const std::string& hostname = "ws-test") const;

  // Runs the custos command with this vault's config folder for `profile`.
  CommandResult custos(const std::string& profile, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}) const;
  // `custos login` to this vault as `user`, saved under `profile`.
  CommandResult login(const std::string& profile, const std::string& user, const std::string& password) const;

 private:
  void start(std::uint16_t port = 0);

  std::filesystem::path dir_;
  std::string fingerprint_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace custos::testing
