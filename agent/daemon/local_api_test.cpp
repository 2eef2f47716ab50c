#include "custos/agent/local_api.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "testing_support.hpp"

namespace custos::agent {
namespace {

TEST(LocalApi, AnswersOneLineAndKnowsWhoAsked) {
  testing::TempDir dir;
  const auto path = dir.path() / "run" / "agent.sock";
  Peer seen;
  auto server = LocalApiServer::listen(path, [&seen](std::string_view request, const Peer& peer) {
    seen = peer;
    return "answer to " + std::string(request);
  });
  ASSERT_TRUE(server) << server.error().describe();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  std::thread serving([&] { (*server)->serve(); });

  auto answer = local_request(path, R"({"command":"status"})");
  (*server)->stop();
  serving.join();
  ASSERT_TRUE(answer) << answer.error().describe();
  EXPECT_EQ(*answer, R"(answer to {"command":"status"})");
  EXPECT_EQ(seen.uid, ::getuid());
  EXPECT_EQ(seen.pid, ::getpid());
}

// An answer longer than 64 KiB (a print preview's PDF) arrives whole when
// the client allows it, and is refused when it does not.
TEST(LocalApi, ALongAnswerArrivesWholeOnlyWhenAllowed) {
  testing::TempDir dir;
  const auto path = dir.path() / "agent.sock";
  std::string long_answer(3 << 20, 'x');
  for (std::size_t i = 0; i < long_answer.size(); i += 4099) long_answer[i] = 'y';
  auto server = LocalApiServer::listen(path, [&](std::string_view, const Peer&) { return long_answer; });
  ASSERT_TRUE(server) << server.error().describe();
  std::thread serving([&] { (*server)->serve(); });
  auto whole = local_request(path, "{}", std::chrono::seconds(5), 4u << 20);
  auto refused = local_request(path, "{}", std::chrono::seconds(5));
  (*server)->stop();
  serving.join();
  ASSERT_TRUE(whole) << whole.error().describe();
  EXPECT_EQ(*whole, long_answer);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::io);
}

TEST(LocalApi, NothingListeningIsUnavailable) {
  testing::TempDir dir;
  auto answer = local_request(dir.path() / "none.sock", "{}");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace custos::agent
