#include "custos/agent/agent_config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "testing_support.hpp"

namespace custos::agent {
namespace {

std::filesystem::path write_file(const testing::TempDir& dir, std::string_view text) {
  const auto file = dir.path() / "agent.toml";
  std::ofstream(file) << text;
  return file;
}

TEST(AgentConfig, DefaultsWhenTheDefaultFileIsMissing) {
  testing::TempDir dir;
  auto config = load_agent_config(dir.path() / "absent.toml", true);
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->state_dir, "/var/lib/custos-agent");
  EXPECT_EQ(config->socket, "/run/custos-agent/agent.sock");
  EXPECT_EQ(config->sysfs_root, "/sys");
  EXPECT_TRUE(config->device_control);
  EXPECT_EQ(config->outbox_max_bytes, std::int64_t{256} << 20);
  EXPECT_EQ(config->print_timeout_seconds, 120);
  auto required = load_agent_config(dir.path() / "absent.toml", false);
  ASSERT_FALSE(required);
  EXPECT_EQ(required.error().code, ErrorCode::not_found);
}

TEST(AgentConfig, ReadsEveryKey) {
  testing::TempDir dir;
  auto config = load_agent_config(write_file(dir, R"(state_dir = "/s"
socket = "/r/a.sock"
machine_id_file = "/m"
sysfs_root = "/fake/sys"
dev_root = "/fake/dev"
mountinfo = "/fake/mountinfo"
device_control = false
uevents = false
outbox_max_bytes = 2097152
heartbeat_seconds = 5
print_timeout_seconds = 30
log_level = "debug"
policy_file = "/etc/custos/claims.bundle"
policy_key = "/etc/custos/policy.pub"
department = "claims"
)"),
                                  false);
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->state_dir, "/s");
  EXPECT_EQ(config->socket, "/r/a.sock");
  EXPECT_EQ(config->machine_id_file, "/m");
  EXPECT_EQ(config->sysfs_root, "/fake/sys");
  EXPECT_EQ(config->dev_root, "/fake/dev");
  EXPECT_EQ(config->mountinfo, "/fake/mountinfo");
  EXPECT_FALSE(config->device_control);
  EXPECT_FALSE(config->uevents);
  EXPECT_EQ(config->outbox_max_bytes, 2097152);
  EXPECT_EQ(config->heartbeat_seconds, 5);
  EXPECT_EQ(config->print_timeout_seconds, 30);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->policy_file, "/etc/custos/claims.bundle");
  EXPECT_EQ(config->policy_key, "/etc/custos/policy.pub");
  EXPECT_EQ(config->department, "claims");
}

TEST(AgentConfig, RefusalsAreInvalidArgumentAndNameTheLine) {
  testing::TempDir dir;
  // Matched on the code; the one part of the text checked is the location
  // ("agent.toml:LINE:"), which is the refusal's contract with the reader.
  struct Case {
    const char* text;
    const char* where;
  };
  for (const auto& c : {Case{"state_dri = \"/x\"\n", "agent.toml:1:"},
                        Case{"\ndevice_control = \"yes\"\n", "agent.toml:2:"},
                        Case{"outbox_max_bytes = 10\n", "agent.toml:1:"},
                        // No conversions between TOML's types: toml++'s value<T>() would take these
                        // (a 0 meant as "false" must not switch device control off by accident).
                        Case{"device_control = 0\n", "agent.toml:1:"},
                        Case{"uevents = 1\n", "agent.toml:1:"},
                        Case{"heartbeat_seconds = 5.0\n", "agent.toml:1:"},
                        Case{"print_timeout_seconds = true\n", "agent.toml:1:"},
                        Case{"print_timeout_seconds = 0\n", "agent.toml:1:"},
                        Case{"log_level = \"loud\"\n", "agent.toml:1:"},
                        Case{"socket = \"\"\n", "agent.toml:1:"},
                        Case{"department = 3\n", "agent.toml:1:"},
                        Case{"\n\npolicy_key = \"\"\n", "agent.toml:3:"},
                        Case{"state_dir = \n", "agent.toml:1:"},
                        // Input on which toml++ 3.3 itself would misbehave: refused before it reads.
                        Case{"\nsocket =-\"\xC2\xA7\"\n", "agent.toml:2:"},
                        Case{"log_level = \"info\" \xC2\xA7\n", "agent.toml:1:"}}) {
    auto config = load_agent_config(write_file(dir, c.text), false);
    ASSERT_FALSE(config) << c.text;
    EXPECT_EQ(config.error().code, ErrorCode::invalid_argument) << c.text;
    EXPECT_NE(config.error().message.find(c.where), std::string::npos) << config.error().message;
  }
}

}  // namespace
}  // namespace custos::agent
