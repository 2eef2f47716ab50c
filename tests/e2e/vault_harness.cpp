#include "vault_harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "custos/platform/files.hpp"

extern char** environ;

namespace custos::testing {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto name = entry.substr(0, entry.find('='));
    if (!extra.contains(name)) env.push_back(entry);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::filesystem::path& out, const std::filesystem::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto env_strings = environment_with(env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

}  // namespace

pid_t spawn_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                    const std::filesystem::path& out, const std::filesystem::path& err) {
  return spawn(argv, env, out, err);
}

std::filesystem::path bin_dir() {
  const char* dir = std::getenv("CUSTOS_BIN_DIR");
  if (dir == nullptr) throw std::runtime_error("CUSTOS_BIN_DIR is not set (run the test through ctest)");
  return dir;
}

Result<boost::json::value> post_bytes(vault::VaultClient& client, const std::string& target, std::string content,
                                      const std::string& content_type) {
  return client.upload_stream(target, content.size(), content_type, [&](std::span<std::uint8_t> out) {
    const auto n = std::min(out.size(), content.size());
    std::copy_n(content.begin(), n, out.begin());
    content.erase(0, n);
    return n;
  });
}

std::filesystem::path make_temp_dir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() /
             ("custos-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  const auto dir = make_temp_dir("cmd");
  const pid_t pid = spawn(argv, env, dir / "out", dir / "err");
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult result{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(dir / "out"),
                       slurp(dir / "err")};
  std::filesystem::remove_all(dir);
  return result;
}

VaultProcess::VaultProcess(const std::string& tag, const std::string& extra_toml) : dir_(make_temp_dir(tag)) {
  auto init = run_command({(bin_dir() / "custos-vault").string(), "init", "--data-dir", data_dir().string()},
                          {{"CUSTOS_ADMIN_PASSWORD", kAdminPassword}});
  if (init.exit_code != 0) throw std::runtime_error("custos-vault init failed: " + init.err);
  if (!extra_toml.empty()) {
    // The file init wrote holds only comments; the test's settings replace it.
    std::ofstream toml(data_dir() / "vault.toml", std::ios::trunc);
    toml << extra_toml << "\n";
  }
  auto fp = run_command({(bin_dir() / "custos-vault").string(), "fingerprint", "--data-dir", data_dir().string()});
  fingerprint_ = fp.out.substr(0, fp.out.find('\n'));
  start();
}

void VaultProcess::restart(bool same_port) {
  if (pid_ > 0) terminate();
  start(same_port ? port_ : 0);
}

void VaultProcess::start(std::uint16_t port) {
  std::filesystem::remove(dir_ / "port");
  pid_ = spawn({(bin_dir() / "custos-vault").string(), "serve", "--data-dir", data_dir().string(), "--listen",
                "127.0.0.1:" + std::to_string(port), "--port-file", (dir_ / "port").string()},
               {}, dir_ / "serve.out", dir_ / "serve.err");
  for (int i = 0; i < 300; ++i) {
    if (std::filesystem::exists(dir_ / "port")) {
      port_ = static_cast<std::uint16_t>(std::stoi(slurp(dir_ / "port")));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("custos-vault serve exited: " + slurp(dir_ / "serve.err"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("custos-vault serve did not start: " + slurp(dir_ / "serve.err"));
}

VaultProcess::~VaultProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool VaultProcess::running() const {
  if (pid_ <= 0) return false;
  return ::waitpid(pid_, nullptr, WNOHANG) == 0;
}

void VaultProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int VaultProcess::terminate(int seconds) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

CommandResult VaultProcess::login(const std::string& profile, const std::string& user,
                                  const std::string& password) const {
  return custos(profile, {"login", "--server", url(), "--fingerprint", fingerprint_, "--user", user},
                {{"CUSTOS_PASSWORD", password}});
}

vault::VaultClient VaultProcess::client(const std::string& user, const std::string& password) const {
  auto client = vault::VaultClient::create({url(), fingerprint_, Secret()});
  if (!client) throw std::runtime_error(client.error().describe());
  if (!user.empty()) {
    const boost::json::value body(boost::json::object{{"user", user}, {"password", password}});
    auto login = client->call("POST", "/api/v1/sessions", &body);
    if (!login) throw std::runtime_error("login of " + user + " failed: " + login.error().describe());
    client->set_token(Secret::from_string(std::string(login->at("token").as_string())));
  }
  return std::move(*client);
}

std::string VaultProcess::enroll_agent(const std::string& department, const std::string& hostname) const {
  auto admin = client("admin", kAdminPassword);
  const boost::json::value ask(boost::json::object{{"department", department}, {"ttl_seconds", 600}});
  auto token = admin.call("POST", "/api/v1/agents/tokens", &ask);
  if (!token) throw std::runtime_error("enrollment token: " + token.error().describe());
  auto anonymous = client();
  const boost::json::value enroll(boost::json::object{
      {"token", token->at("token")}, {"hostname", hostname}, {"machine_id", "machine-" + hostname}});
  auto enrolled = anonymous.call("POST", "/api/v1/agents/enroll", &enroll);
  if (!enrolled) throw std::runtime_error("enrollment: " + enrolled.error().describe());
  return std::string(enrolled->at("credential").as_string());
}

CommandResult VaultProcess::custos(const std::string& profile, const std::vector<std::string>& args,
                                   const std::map<std::string, std::string>& env) const {
  std::vector<std::string> argv{(bin_dir() / "custos").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto full_env = env;
  full_env["CUSTOS_CONFIG_DIR"] = (dir_ / ("profile-" + profile)).string();
  return run_command(argv, full_env);
}

}  // namespace custos::testing
