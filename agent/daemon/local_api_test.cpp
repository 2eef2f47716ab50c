#include "custos/agent/local_api.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
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

// The server answers one caller at a time, so no caller may hold it: one
// whose request trickles in is cut off once its time is up, and one that
// never reads its answer once a write has stalled.
TEST(LocalApi, CallersThatDawdleDoNotHoldTheServer) {
  testing::TempDir dir;
  const auto path = dir.path() / "agent.sock";
  const std::string long_answer(8 << 20, 'x');  // more than the socket buffers hold
  auto server = LocalApiServer::listen(path, [&](std::string_view request, const Peer&) {
    return request == "long" ? long_answer : std::string("short");
  });
  ASSERT_TRUE(server) << server.error().describe();
  std::thread serving([&] { (*server)->serve(); });
  const auto connect_raw = [&] {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.native().size());
    EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    return fd;
  };

  // One byte every 300 ms for 9 s: under the 2 s limit per read, never a line.
  std::atomic<bool> trickling{true};
  std::thread trickler([&] {
    const int fd = connect_raw();
    for (int i = 0; i < 30 && trickling.load(); ++i) {
      if (::send(fd, "{", 1, MSG_NOSIGNAL) != 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    ::close(fd);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto after_trickle = local_request(path, "short", std::chrono::seconds(6));
  trickling.store(false);
  trickler.join();
  ASSERT_TRUE(after_trickle) << after_trickle.error().describe();
  EXPECT_EQ(*after_trickle, "short");

  // Asks for 8 MiB and reads none of it.
  const int stalled = connect_raw();
  ASSERT_EQ(::send(stalled, "long\n", 5, MSG_NOSIGNAL), 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto after_stall = local_request(path, "short", std::chrono::seconds(10));
  ::close(stalled);
  (*server)->stop();
  serving.join();
  ASSERT_TRUE(after_stall) << after_stall.error().describe();
  EXPECT_EQ(*after_stall, "short");
}

TEST(LocalApi, NothingListeningIsUnavailable) {
  testing::TempDir dir;
  auto answer = local_request(dir.path() / "none.sock", "{}");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace custos::agent
