#include "custos/agent/sd_notify.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "testing_support.hpp"

namespace custos::agent {
namespace {

TEST(SdNotify, SendsOneDatagramToNotifySocket) {
  testing::TempDir dir;
  const auto path = dir.path() / "notify.sock";
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);

  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  auto sent = sd_notify("READY=1\nSTATUS=enforcing policy version 3");
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_TRUE(sent) << sent.error().describe();
  char buffer[256] = {};
  const auto n = ::recv(fd, buffer, sizeof buffer - 1, MSG_DONTWAIT);
  ::close(fd);
  ASSERT_GT(n, 0);
  EXPECT_STREQ(buffer, "READY=1\nSTATUS=enforcing policy version 3");
}

TEST(SdNotify, WithoutNotifySocketItDoesNothing) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(sd_notify("READY=1"));
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  auto refused = sd_notify("READY=1");
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace custos::agent
