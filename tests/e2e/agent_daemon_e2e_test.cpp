// The workstation agent through the real binaries: a vault, a token through
// the API, `custos-agent enroll`, `custos-agent run` over a fake sysfs tree
// (so it runs on machines without USB), then: the vault shows the agent
// active and receives its device decisions; a policy applied with `custos
// policy apply` reaches the agent and the allowed stick is authorized; with
// the vault away events wait in the outbox, and after kill -9 of the agent
// and a restart of both they arrive, each once, none missing; a revoked
// agent is refused and keeps enforcing the last good policy; SIGTERM leaves
// the root hubs' authorized_default at 0. And offline: `run --policy-file`
// with no vault refuses bad settings (2) and bad bundles (1) before touching
// a device, and enforces a good bundle.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "custos/platform/signing.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/policy/bundle.hpp"
#include "custos/policy/parser.hpp"
#include "testing/fake_sysfs.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;
using device::testing::FakeSysfs;

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string attribute(const FakeSysfs& sysfs, std::string_view name, const char* which) {
  auto text = FakeSysfs::read(sysfs.usb_folder(name) / which);
  return text.substr(0, text.find('\n'));
}

// Polls `condition` for up to `seconds`.
bool eventually(const std::function<bool()>& condition, int seconds = 30) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

class AgentProcess {
 public:
  AgentProcess(std::filesystem::path config, std::filesystem::path log) : config_(std::move(config)), log_(std::move(log)) {}
  ~AgentProcess() { kill(SIGKILL); }
  void start() {
    pid_ = spawn_process({(bin_dir() / "custos-agent").string(), "run", "--config", config_.string()}, {},
                         log_.string() + ".out", log_);
  }
  // Sends `signal` and reaps; the exit status (128+signal when killed).
  int kill(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string log() const { return slurp(log_); }

 private:
  std::filesystem::path config_, log_;
  pid_t pid_ = -1;
};

struct AgentDaemonE2e : ::testing::Test {
  VaultProcess vault{"agentd", "[agents]\nheartbeat_seconds = 5\n"};
  FakeSysfs sysfs;
  std::filesystem::path home = make_temp_dir("agentd-home");
  std::filesystem::path socket = home / "agent.sock";
  std::filesystem::path config = home / "agent.toml";

  void SetUp() override {
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    const json::value dept(json::object{{"name", "claims"}});
    ASSERT_TRUE(admin.call("POST", "/api/v1/departments", &dept));
    ASSERT_EQ(vault.login("admin", "admin", VaultProcess::kAdminPassword).exit_code, 0);
    std::ofstream(home / "machine-id") << "0123456789abcdef0123456789abcdef\n";
    std::ofstream(config) << "state_dir = \"" << (home / "state").string() << "\"\n"
                          << "socket = \"" << socket.string() << "\"\n"
                          << "machine_id_file = \"" << (home / "machine-id").string() << "\"\n"
                          << "sysfs_root = \"" << sysfs.sys().string() << "\"\n"
                          << "dev_root = \"" << sysfs.dev().string() << "\"\n"
                          << "mountinfo = \"" << sysfs.mountinfo().string() << "\"\n"
                          << "uevents = false\n"
                          << "heartbeat_seconds = 1\n"
                          << "log_level = \"debug\"\n";
  }
  void TearDown() override { std::filesystem::remove_all(home); }

  std::string token() {
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    const json::value ask(json::object{{"department", "claims"}, {"ttl_seconds", 600}});
    auto made = admin.call("POST", "/api/v1/agents/tokens", &ask);
    EXPECT_TRUE(made) << made.error().describe();
    return made ? std::string(made->at("token").as_string()) : "";
  }
  json::object agent_at_vault() {
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    auto list = admin.call("GET", "/api/v1/agents");
    if (!list || list->at("agents").as_array().empty()) return {};
    return list->at("agents").as_array()[0].as_object();
  }
  json::array events_at_vault() {
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    auto list = admin.call("GET", "/api/v1/agents/agent-1/events?limit=1000");
    return list ? list->at("events").as_array() : json::array{};
  }
  json::object status() {
    auto shown = run_command({(bin_dir() / "custos-agent").string(), "status", "--socket", socket.string(),
                              "--format", "json"});
    if (shown.exit_code != 0) return {};
    return json::parse(shown.out).as_object();
  }
  std::int64_t number(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v == nullptr || !v->is_number() ? -1 : v->to_number<std::int64_t>();
  }
};

TEST_F(AgentDaemonE2e, EnrollRunReportApplyPolicySurviveKillAndRevocation) {
  // Enrollment.
  auto enrolled = run_command({(bin_dir() / "custos-agent").string(), "enroll", "--server", vault.url(),
                               "--fingerprint", vault.fingerprint(), "--token", token(), "--config", config.string()});
  ASSERT_EQ(enrolled.exit_code, 0) << enrolled.err;
  EXPECT_NE(enrolled.out.find("enrolled as agent-1"), std::string::npos) << enrolled.out;
  struct stat info {};
  ASSERT_EQ(::stat((home / "state" / "agent.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto again = run_command({(bin_dir() / "custos-agent").string(), "enroll", "--server", vault.url(),
                            "--fingerprint", vault.fingerprint(), "--token", "cet_unused", "--config", config.string()});
  EXPECT_EQ(again.exit_code, 1) << again.err;

  // Running: fail secure before any policy; the vault hears from it.
  AgentProcess agent(config, home / "agent.log");
  agent.start();
  ASSERT_TRUE(eventually([&] { return agent_at_vault().contains("state") && agent_at_vault().at("state") == "active"; }))
      << agent.log();
  EXPECT_EQ(attribute(sysfs, "usb1", "authorized_default"), "0");
  EXPECT_EQ(attribute(sysfs, "2-1", "authorized"), "0");
  EXPECT_EQ(attribute(sysfs, "1-1", "authorized"), "1");
  ASSERT_TRUE(eventually([&] {
    for (const auto& e : events_at_vault()) {
      const auto& o = e.as_object();
      if (o.at("kind") == "device.decision" && o.at("detail").at("device") == "46f4:0001") {
        return o.at("detail").at("decision") == "block" && o.at("detail").at("rule") == "implicit:no-policy";
      }
    }
    return false;
  })) << agent.log();

  // A policy applied on the vault reaches the agent and is enforced.
  std::ofstream(home / "policy.toml") << "[defaults]\nother_devices = \"allow\"\n[departments.claims]\n"
                                      << "devices = ['allow id 46f4:0001 serial \"SN-0001\" label \"approved-stick\"']\n";
  auto applied = vault.custos("admin", {"policy", "apply", (home / "policy.toml").string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ASSERT_TRUE(eventually([&] { return number(agent_at_vault(), "policy_version") == 1; })) << agent.log();
  EXPECT_TRUE(eventually([&] { return attribute(sysfs, "2-1", "authorized") == "1"; })) << agent.log();
  auto shown = status();
  ASSERT_FALSE(shown.empty()) << agent.log();
  EXPECT_EQ(number(shown, "policy_version"), 1);
  EXPECT_TRUE(shown.at("vault_reachable").as_bool());
  EXPECT_EQ(shown.at("device_control"), "active");
  bool stick_listed = false;
  for (const auto& d : shown.at("devices").as_array()) {
    if (d.at("name") == "2-1") {
      stick_listed = true;
      EXPECT_EQ(d.at("decision"), "allow");
      EXPECT_EQ(d.at("rule"), "approved-stick");
    }
  }
  EXPECT_TRUE(stick_listed) << json::serialize(shown);
  auto text = run_command({(bin_dir() / "custos-agent").string(), "status", "--socket", socket.string()});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("approved-stick"), std::string::npos) << text.out;

  // The vault goes away; a new stick is decided and its event waits in the
  // outbox; the agent is killed; both come back.
  ASSERT_EQ(vault.terminate(), 0);
  sysfs.add_usb_device(sysfs.usb_folder("usb2"), "2-2", "0781", "5581", "OTHER-9", 3);
  sysfs.add_interface("2-2:1.0", "08", "06", "50", "usb-storage");
  ASSERT_TRUE(eventually([&] { return attribute(sysfs, "2-2", "authorized") == "0"; })) << agent.log();
  ASSERT_TRUE(eventually([&] {
    auto s = status();
    return !s.empty() && !s.at("vault_reachable").as_bool() && number(s, "outbox_depth") >= 1;
  })) << agent.log();
  EXPECT_EQ(agent.kill(SIGKILL), 128 + SIGKILL);
  vault.restart(true);
  agent.start();
  // Everything arrives: the vault's sequences run 1..N without a gap, each once.
  ASSERT_TRUE(eventually([&] {
    auto s = status();
    return !s.empty() && s.at("vault_reachable").as_bool() && number(s, "outbox_depth") == 0;
  })) << agent.log();
  std::set<std::int64_t> seqs;
  int new_stick = 0, starts = 0;
  const auto events = events_at_vault();
  for (const auto& e : events) {
    seqs.insert(e.at("seq").to_number<std::int64_t>());
    if (e.at("kind") == "device.decision" && e.at("detail").at("device") == "0781:5581") ++new_stick;
    if (e.at("kind") == "agent.started") ++starts;
  }
  EXPECT_EQ(seqs.size(), events.size());
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), static_cast<std::int64_t>(seqs.size()));
  EXPECT_GE(new_stick, 1);
  EXPECT_EQ(starts, 2);

  // Revoked: refused, and the last good policy stays in force.
  ASSERT_EQ(vault.custos("admin", {"agent", "revoke", "agent-1"}).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return agent.log().find("the vault refused this agent") != std::string::npos; }))
      << agent.log();
  auto after = status();
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(number(after, "policy_version"), 1);
  EXPECT_FALSE(after.at("vault_reachable").as_bool());
  EXPECT_EQ(attribute(sysfs, "2-1", "authorized"), "1");
  EXPECT_EQ(attribute(sysfs, "2-2", "authorized"), "0");

  // A clean stop leaves new devices unauthorized.
  EXPECT_EQ(agent.kill(SIGTERM), 0) << agent.log();
  EXPECT_EQ(attribute(sysfs, "usb1", "authorized_default"), "0");
  EXPECT_EQ(attribute(sysfs, "usb2", "authorized_default"), "0");
}

}  // namespace
}  // namespace custos::testing

namespace custos::testing {
namespace {

// Offline: the binary with a policy bundle file and no vault, over the fake
// sysfs tree. Refusals end it with their exit code before any device is
// touched; an accepted file is enforced and reported as offline.
struct AgentOfflineE2e : ::testing::Test {
  void SetUp() override { ASSERT_TRUE(init_crypto()); }
  void TearDown() override { std::filesystem::remove_all(home); }
  FakeSysfs sysfs;
  std::filesystem::path home = make_temp_dir("agent-offline");
  std::filesystem::path socket = home / "agent.sock";
  SigningKey key = SigningKey::generate();

  std::filesystem::path write(const char* name, const std::string& text) {
    std::ofstream(home / name) << text;
    return home / name;
  }
  std::string bundle(const SigningKey& by, const char* department) {
    auto parsed = policy::parse_policy("[departments.claims]\n"
                                       "devices = ['allow with-interface 03:*:* label \"hid\"',\n"
                                       "           'allow serial \"SN-0001\" label \"approved-stick\"']\n",
                                       "offline.toml");
    EXPECT_TRUE(parsed.ok) << parsed.format();
    const auto now = now_seconds();
    auto made = policy::make_signed_bundle(
        *parsed.policy, {.department = department, .version = 3, .issued_at = now - 60, .expires_at = now + 600}, by);
    EXPECT_TRUE(made) << made.error().describe();
    return made ? *made : "";
  }
  std::vector<std::string> run_args(const std::vector<std::string>& offline) {
    const auto config = write("agent.toml", "state_dir = \"" + (home / "state").string() + "\"\n" +
                                                "socket = \"" + socket.string() + "\"\n" +
                                                "sysfs_root = \"" + sysfs.sys().string() + "\"\n" +
                                                "dev_root = \"" + sysfs.dev().string() + "\"\n" +
                                                "mountinfo = \"" + sysfs.mountinfo().string() + "\"\n" +
                                                "uevents = false\n");
    std::vector<std::string> argv{(bin_dir() / "custos-agent").string(), "run", "--config", config.string()};
    argv.insert(argv.end(), offline.begin(), offline.end());
    return argv;
  }
};

TEST_F(AgentOfflineE2e, RefusesBadFilesAndEnforcesAGoodOne) {
  const auto good = write("claims.bundle", bundle(key, "claims"));
  const auto pub = write("vault.pub", key.public_key().to_string() + "\n");
  const auto other = write("other.pub", SigningKey::generate().public_key().to_string() + "\n");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  for (const auto& c : {Case{{"--policy-file", good.string(), "--department", "claims"}, 2},
                        Case{{"--policy-file", good.string(), "--policy-key", pub.string()}, 2},
                        Case{{"--policy-file", good.string(), "--policy-key", other.string(), "--department", "claims"}, 1},
                        Case{{"--policy-file", good.string(), "--policy-key", pub.string(), "--department", "sales"}, 1},
                        Case{{"--policy-file", (home / "absent").string(), "--policy-key", pub.string(), "--department",
                              "claims"},
                             1}}) {
    auto refused = run_command(run_args(c.args));
    EXPECT_EQ(refused.exit_code, c.exit_code) << refused.err;
    // Nothing touched: the kernel's own default is still in place.
    EXPECT_EQ(attribute(sysfs, "usb2", "authorized_default"), "1") << refused.err;
  }

  const auto argv = run_args({"--policy-file", good.string(), "--policy-key", key.public_key().to_string(),
                              "--department", "claims"});
  pid_t pid = spawn_process(argv, {}, (home / "agent.out").string(), home / "agent.log");
  ASSERT_GT(pid, 0);
  json::object status;
  ASSERT_TRUE(eventually([&] {
    auto shown = run_command({(bin_dir() / "custos-agent").string(), "status", "--socket", socket.string(),
                              "--format", "json"});
    if (shown.exit_code != 0) return false;
    status = json::parse(shown.out).as_object();
    return true;
  })) << slurp(home / "agent.log");
  EXPECT_EQ(status.at("mode"), "offline");
  EXPECT_EQ(status.at("policy_file"), json::value(good.string()));
  EXPECT_EQ(status.at("department"), "claims");
  EXPECT_EQ(status.at("policy_version").to_number<std::int64_t>(), 3);
  EXPECT_EQ(attribute(sysfs, "usb2", "authorized_default"), "0");
  EXPECT_EQ(attribute(sysfs, "2-1", "authorized"), "1");
  EXPECT_EQ(attribute(sysfs, "1-2:1.0", "authorized"), "1");
  EXPECT_EQ(attribute(sysfs, "1-2:1.1", "authorized"), "0");
  auto text = run_command({(bin_dir() / "custos-agent").string(), "status", "--socket", socket.string()});
  EXPECT_NE(text.out.find("offline: policy from " + good.string()), std::string::npos) << text.out;
  ::kill(pid, SIGTERM);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << slurp(home / "agent.log");
}

}  // namespace
}  // namespace custos::testing
