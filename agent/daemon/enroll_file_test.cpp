// The enrollment file: what parses, what is refused (by code), and what
// enroll_from_file does with the file when there is nothing to enroll.
// (Enrolling with it against a real vault: tests/e2e/agent_rollout_e2e_test.cpp.)
#include "custos/agent/enroll_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "custos/agent/agent_state.hpp"

namespace custos::agent {
namespace {

TEST(EnrollFile, ParsesTheThreeKeysWithCommentsQuotesAndBlankLines) {
  auto parsed = parse_enroll_file(
      "# rollout of 2026-11\n\nCUSTOS_SERVER=https://vault.example:8443\r\n"
      "  CUSTOS_FINGERPRINT = \"SHA256:ab:cd\"\nCUSTOS_TOKEN=cet_0123\n");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(parsed->server, "https://vault.example:8443");
  EXPECT_EQ(parsed->fingerprint, "SHA256:ab:cd");
  EXPECT_EQ(parsed->token.unsafe_view(), "cet_0123");
}

TEST(EnrollFile, RefusesWhatIsNotExactlyTheThreeKeys) {
  const std::string full = "CUSTOS_SERVER=https://v:1\nCUSTOS_FINGERPRINT=SHA256:x\nCUSTOS_TOKEN=cet_1\n";
  for (const std::string& text : {
           std::string("CUSTOS_SERVER=https://v:1\nCUSTOS_TOKEN=cet_1\n"),  // a key missing
           full + "CUSTOS_TOKEN=cet_2\n",                                      // twice
           full + "CUSTOS_SERVR=https://v:1\n",                                // unknown
           full + "just words\n",                                              // not KEY=VALUE
           std::string("CUSTOS_SERVER=\nCUSTOS_FINGERPRINT=SHA256:x\nCUSTOS_TOKEN=cet_1\n"),  // empty
           std::string("CUSTOS_SERVER=https://v:1\nCUSTOS_FINGERPRINT=SHA256:x\nCUSTOS_TOKEN=cet\x01\n"),
           std::string(),
       }) {
    auto parsed = parse_enroll_file(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument) << text;
    // The refusal names the line, never the token.
    EXPECT_EQ(parsed.error().message.find("cet_"), std::string::npos);
  }
}

class EnrollFromFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("custos-enroll-file-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    file = dir / "enroll.env";
      config.state_dir = dir / "state";
    config.machine_id_file = dir / "machine-id";
    std::ofstream(config.machine_id_file) << "0123456789abcdef0123456789abcdef\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  void write_file(mode_t mode) {
    std::ofstream(file) << "CUSTOS_SERVER=https://127.0.0.1:1\nCUSTOS_FINGERPRINT=SHA256:00\nCUSTOS_TOKEN=cet_1\n";
    ::chmod(file.c_str(), mode);
  }

  std::filesystem::path dir;
  std::filesystem::path file;
  AgentConfig config;
};

TEST_F(EnrollFromFile, NoFileIsNothingToDo) {
  auto outcome = enroll_from_file(file, config);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(*outcome, EnrollFileOutcome::absent);
}

TEST_F(EnrollFromFile, AnEnrolledWorkstationDeletesTheFileUnused) {
  write_file(0600);
  AgentState state;
  state.server = "https://127.0.0.1:1";
  state.fingerprint = "SHA256:00";
  state.agent_name = "agent-1";
  state.department = "claims";
  state.machine_id = "0123456789abcdef0123456789abcdef";
  state.hostname = "ws";
  state.policy_key = SigningKey::generate().public_key();
  state.credential = Secret::from_string("cag_1");
  ASSERT_TRUE(save_state(config.state_dir, state));
  auto outcome = enroll_from_file(file, config);
  ASSERT_TRUE(outcome.has_value()) << outcome.error().describe();
  EXPECT_EQ(*outcome, EnrollFileOutcome::already_enrolled);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(EnrollFromFile, AFileOthersMayReadIsRefusedAndKept) {
  write_file(0644);
  auto outcome = enroll_from_file(file, config);
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().code, ErrorCode::permission_denied);
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST_F(EnrollFromFile, AFailedEnrollmentKeepsTheFileForTheNextStart) {
  write_file(0600);  // port 1: nothing listens
  auto outcome = enroll_from_file(file, config);
  ASSERT_FALSE(outcome.has_value());
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(state_file(config.state_dir)));
}

}  // namespace
}  // namespace custos::agent
