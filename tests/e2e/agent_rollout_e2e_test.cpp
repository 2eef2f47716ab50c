// Rolling the agent out unattended, with the real binaries and a real vault:
// a rollout token (several uses) in an enrollment file, `custos-agent enroll
// --from-file` as the service's ExecStartPre runs it, then `run`; stopping
// the agent reports `agent.stopping` with the reason the package's prerm
// left, before the agent exits.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

struct AgentRolloutE2e : ::testing::Test {
  VaultProcess vault{"rollout"};
  fs::path home = make_temp_dir("rollout-home");

  void SetUp() override {
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    const json::value dept(json::object{{"name", "claims"}});
    ASSERT_TRUE(admin.call("POST", "/api/v1/departments", &dept));
    ASSERT_EQ(vault.login("admin", "admin", VaultProcess::kAdminPassword).exit_code, 0);
    auto made = vault.custos("admin", {"agent", "token", "--department", "claims", "--ttl", "1h", "--uses", "2"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    token = made.out.substr(0, made.out.find('\n'));
  }
  void TearDown() override { fs::remove_all(home); }

  // One workstation: its own folder, configuration and enrollment file.
  fs::path workstation(const std::string& name) {
    const auto dir = home / name;
    fs::create_directories(dir / "run");
    std::ofstream(dir / "machine-id") << "machine-" << name << "\n";
    std::ofstream(dir / "agent.toml") << "state_dir = \"" << (dir / "state").string() << "\"\n"
                                      << "socket = \"" << (dir / "run" / "agent.sock").string() << "\"\n"
                                      << "machine_id_file = \"" << (dir / "machine-id").string() << "\"\n"
                                      << "device_control = false\n"
                                      << "heartbeat_seconds = 1\n";
    std::ofstream(dir / "enroll.env") << "# from the rollout playbook\nCUSTOS_SERVER=" << vault.url()
                                      << "\nCUSTOS_FINGERPRINT=\"" << vault.fingerprint() << "\"\nCUSTOS_TOKEN=" << token
                                      << "\n";
    ::chmod((dir / "enroll.env").c_str(), 0600);
    return dir;
  }
  CommandResult enroll(const fs::path& dir) {
    return run_command({(bin_dir() / "custos-agent").string(), "enroll", "--from-file", (dir / "enroll.env").string(),
                        "--config", (dir / "agent.toml").string()});
  }
  json::array events_of(const std::string& agent) {
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    auto list = admin.call("GET", "/api/v1/agents/" + agent + "/events?limit=1000");
    return list ? list->at("events").as_array() : json::array{};
  }

  std::string token;
};

TEST_F(AgentRolloutE2e, AnEnrollmentFileEnrollsOnceAndIsDeleted) {
  const auto first = workstation("ws-1");
  auto enrolled = enroll(first);
  ASSERT_EQ(enrolled.exit_code, 0) << enrolled.err;
  EXPECT_NE(enrolled.out.find("enrolled as agent-1"), std::string::npos) << enrolled.out;
  EXPECT_FALSE(fs::exists(first / "enroll.env"));
  // Every later start finds no file: nothing to do, quietly.
  auto later = enroll(first);
  EXPECT_EQ(later.exit_code, 0) << later.err;
  EXPECT_EQ(later.out, "");
  // The same rollout token enrolls the next workstation; a third use is refused.
  const auto second = workstation("ws-2");
  ASSERT_EQ(enroll(second).exit_code, 0);
  const auto third = workstation("ws-3");
  auto refused = enroll(third);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("expired"), std::string::npos) << refused.err;
  EXPECT_TRUE(fs::exists(third / "enroll.env"));  // kept for a retry with a new token
  // A file given to an enrolled workstation is deleted unused.
  std::ofstream(first / "enroll.env") << "CUSTOS_SERVER=x\n";
  ::chmod((first / "enroll.env").c_str(), 0600);
  auto unused = enroll(first);
  EXPECT_EQ(unused.exit_code, 0) << unused.err;
  EXPECT_FALSE(fs::exists(first / "enroll.env"));
}

TEST_F(AgentRolloutE2e, StoppingTheAgentReportsWhyBeforeItExits) {
  const auto dir = workstation("ws-1");
  ASSERT_EQ(enroll(dir).exit_code, 0);
  for (const std::string reason : {"", "remove"}) {
    const pid_t pid = spawn_process({(bin_dir() / "custos-agent").string(), "run", "--config",
                                     (dir / "agent.toml").string()},
                                    {}, dir / "agent.out", dir / "agent.err");
    ASSERT_GT(pid, 0);
    for (int i = 0; i < 100 && !fs::exists(dir / "run" / "agent.sock"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(fs::exists(dir / "run" / "agent.sock"));
    // As the package's prerm does before it stops the service.
    if (!reason.empty()) std::ofstream(dir / "run" / "stop-reason") << reason << "\n";
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_FALSE(fs::exists(dir / "run" / "stop-reason"));
  }
  // Both stops were at the vault before the agent exited (no restart sent them).
  std::vector<std::string> reasons;
  for (const auto& e : events_of("agent-1")) {
    if (e.at("kind").as_string() != "agent.stopping") continue;
    EXPECT_EQ(e.at("severity").as_string(), "warning");
    reasons.emplace_back(e.at("detail").at("reason").as_string());
    EXPECT_EQ(e.at("detail").at("signal").as_int64(), SIGTERM);
  }
  EXPECT_EQ(reasons, (std::vector<std::string>{"stop", "remove"}));
}

}  // namespace
}  // namespace custos::testing
