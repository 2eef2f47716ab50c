// The agent at rest: the real `custos-agent run`, enrolled with a real
// custos-vault on loopback (heartbeat every 60 s, the vault's default), device
// control on over a fake sysfs tree with kernel uevents from netlink — the
// configuration of a workstation where nothing is being plugged. After 10 s
// to settle, /proc/PID/stat and /proc/PID/status are sampled every second
// for 60 s: RSS (and its peak), CPU over the whole minute and the busiest
// 12 s. Budgets: RSS ≤ 20 MB, CPU ≤ 0.1 % of a core over the minute, never
// above 10 % over 12 s; each figure is printed with its ratio to its budget
// (an idle process has no ceiling to measure; the budget stands in for it).
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string_view>
#include <thread>

#include "custos/agent/enrollment.hpp"
#include "testing/fake_sysfs.hpp"
#include "vault_support.hpp"

extern char** environ;

namespace {

using namespace custos;
using namespace custos::bench;

constexpr int kSettleSeconds = 10;
constexpr int kSeconds = 60;
constexpr int kBurstWindow = 12;

struct Sample {
  double cpu = 0;  // seconds of CPU since the process started
  double rss_mib = 0;
  double hwm_mib = 0;
  double anon_mib = 0;  // the agent's own heap, stacks and data (RssAnon)
  double file_mib = 0;  // pages of mapped files: its own binary and the shared libraries (RssFile)
  double pss_mib = 0;   // each shared page divided by the processes that map it
};

// A "Name:   1234 kB" line of /proc status files, in MiB; -1 when absent.
double kib_field(const std::string& file, std::string_view name) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ':') {
      return std::atof(line.c_str() + name.size() + 1) / 1024.0;
    }
  }
  return -1;
}

Sample sample(pid_t pid) {
  Sample s;
  s.cpu = cpu_seconds(pid);
  const auto proc = "/proc/" + std::to_string(pid);
  s.rss_mib = kib_field(proc + "/status", "VmRSS");
  s.hwm_mib = kib_field(proc + "/status", "VmHWM");
  s.anon_mib = kib_field(proc + "/status", "RssAnon");
  s.file_mib = kib_field(proc + "/status", "RssFile");
  s.pss_mib = kib_field(proc + "/smaps_rollup", "Pss");
  return s;
}

}  // namespace

int main() {
  pid_t pid = -1;
  try {
    if (auto ready = init_crypto(); !ready) die(ready.error().describe());
    figure("load average (1 min) at start", load_average(), "", 2);
    VaultServer server("agent-idle");
    TempDir home("agent-idle");
    device::testing::FakeSysfs sysfs;

    std::string token;
    {
      auto admin = server.client(VaultServer::kAdmin, VaultServer::kAdminPassword);
      const boost::json::value ask(
          boost::json::object{{"department", VaultServer::kAdminDepartment}, {"ttl_seconds", 600}});
      auto made = admin.call("POST", "/api/v1/agents/tokens", &ask);
      if (!made) die("token: " + made.error().describe());
      token = std::string(made->at("token").as_string());
    }
    std::ofstream(home.path() / "machine-id") << "0123456789abcdef0123456789abcdef\n";
    auto enrolled = agent::enroll({.server = server.url(), .fingerprint = server.fingerprint(),
                                   .token = Secret::from_string(token), .state_dir = home.path() / "state",
                                   .machine_id_file = home.path() / "machine-id"});
    if (!enrolled) die("enroll: " + enrolled.error().describe());
    const auto config = home.path() / "agent.toml";
    std::ofstream(config) << "state_dir = \"" << (home.path() / "state").string() << "\"\n"
                          << "socket = \"" << (home.path() / "agent.sock").string() << "\"\n"
                          << "machine_id_file = \"" << (home.path() / "machine-id").string() << "\"\n"
                          << "sysfs_root = \"" << sysfs.sys().string() << "\"\n"
                          << "dev_root = \"" << sysfs.dev().string() << "\"\n"
                          << "mountinfo = \"" << sysfs.mountinfo().string() << "\"\n"
                          << "uevents = true\n";

    const auto binary = (vault_binary().parent_path() / "custos-agent").string();
    const auto log = (home.path() / "agent.log").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_APPEND, 0600);
    std::vector<std::string> args = {binary, "run", "--config", config.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) die("cannot start " + binary);
    posix_spawn_file_actions_destroy(&actions);

    std::this_thread::sleep_for(std::chrono::seconds(kSettleSeconds));
    std::vector<Sample> samples;
    for (int i = 0; i <= kSeconds; ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
      samples.push_back(sample(pid));
    }
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("custos-agent did not stop cleanly: " + text);
    if (text.find("device control active") == std::string::npos) die("device control was not active: " + text);
    const bool netlink = text.find("no kernel device events") == std::string::npos;

    double burst = 0;
    for (std::size_t i = 0; i + kBurstWindow < samples.size(); ++i) {
      burst = std::max(burst, (samples[i + kBurstWindow].cpu - samples[i].cpu) / kBurstWindow);
    }
    double rss_max = 0;
    for (const auto& s : samples) rss_max = std::max(rss_max, s.rss_mib);
    const double cpu = (samples.back().cpu - samples.front().cpu) / kSeconds;
    const double rss_budget = 20.0 * 1000 * 1000 / (1024.0 * 1024.0);  // 20 MB in MiB
    std::printf("kernel uevents: %s\n", netlink ? "netlink" : "none (polling the bus every second)");
    figure("idle RSS (max over the minute)", rss_max, "MiB", 1);
    figure("idle RSS peak since start (VmHWM)", samples.back().hwm_mib, "MiB", 1);
    figure("ratio RSS / 20 MB budget", rss_max / rss_budget, "", 2);
    // What the RSS is made of, at the end of the minute: the agent's own
    // memory, and the pages of its binary and the libraries it maps.
    figure("  of which anonymous (heap, stacks)", samples.back().anon_mib, "MiB", 1);
    figure("  of which mapped files (binary, libraries)", samples.back().file_mib, "MiB", 1);
    figure("idle PSS (shared pages divided among their users)", samples.back().pss_mib, "MiB", 1);
    figure("idle CPU over 60 s", cpu * 100, "% of a core", 3);
    figure("ratio CPU / 0.1 % budget", cpu * 100 / 0.1, "", 2);
    figure("busiest 12 s CPU", burst * 100, "% of a core", 3);
    figure("ratio busiest 12 s / 10 % budget", burst * 100 / 10, "", 3);
    return 0;
  } catch (const std::exception& e) {
    if (pid > 0) ::kill(pid, SIGKILL);
    std::fprintf(stderr, "agent_idle_bench: %s\n", e.what());
    return 1;
  }
}
