// Worker, the agent's side of custos-agent-worker, with real processes that
// misbehave: one that never answers is ended once its time is up (timeout),
// one that exits without answering is reported with how it ended (internal),
// and a Worker that goes away takes its process with it. (The real worker's
// answers: viewer_e2e_test and print_e2e_test.)
#include "custos/agent/agent_worker.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "testing_support.hpp"

namespace custos::agent {
namespace {

namespace fs = std::filesystem;

// A folder of its own with one executable shell script in it.
class Script {
 public:
  explicit Script(const std::string& body) : path_(folder_.path() / "worker") {
    std::ofstream(path_) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path_, fs::perms::owner_all);
  }
  const fs::path& path() const { return path_; }

 private:
  testing::TempDir folder_;
  fs::path path_;
};

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

TEST(AgentWorker, AWorkerSilentPastItsLimitIsEndedAndTheWaitIsATimeout) {
  const Script silent("exec sleep 60");  // keeps fd 3 open and says nothing
  auto worker = Worker::start(silent.path());
  ASSERT_TRUE(worker) << worker.error().describe();
  (*worker)->answer_within(std::chrono::milliseconds(300));
  const auto answer = (*worker)->receive();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::timeout) << answer.error().describe();
  EXPECT_EQ((*worker)->ended(), "signal " + std::to_string(SIGTERM)) << "the agent ended it";
}

TEST(AgentWorker, AWorkerThatExitsWithoutAnsweringIsReportedWithHowItEnded) {
  const Script quitter("exit 3");
  auto worker = Worker::start(quitter.path());
  ASSERT_TRUE(worker) << worker.error().describe();
  (*worker)->answer_within(std::chrono::seconds(30));
  const auto answer = (*worker)->receive();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::internal) << answer.error().describe();
  EXPECT_EQ((*worker)->ended(), "exit 3");
  EXPECT_TRUE((*worker)->exited());
}

TEST(AgentWorker, AWorkerGoesWithItsHandle) {
  const Script silent("exec sleep 60");
  auto worker = Worker::start(silent.path());
  ASSERT_TRUE(worker) << worker.error().describe();
  const pid_t pid = (*worker)->pid();
  EXPECT_FALSE((*worker)->exited());
  worker->reset();  // SIGTERM, then reaped
  EXPECT_FALSE(process_exists(pid)) << "no process, not even a zombie, is left behind";
}

TEST(AgentWorker, AProgramThatCannotStartIsUnavailable) {
  const auto worker = Worker::start("/nonexistent/custos-agent-worker");
  ASSERT_FALSE(worker);
  EXPECT_EQ(worker.error().code, ErrorCode::unavailable) << worker.error().describe();
}

}  // namespace
}  // namespace custos::agent
