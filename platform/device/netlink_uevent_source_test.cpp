// NetlinkUeventSource on the real kernel socket. The kernel sends a
// synthetic uevent for any device whose `uevent` file is written ("change"
// on /dev/null's device is harmless); a datagram sent by a process on the
// same multicast group must be dropped, not parsed.
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "custos/device/linux.hpp"

namespace custos::device {
namespace {

using namespace std::string_literals;
using std::chrono::milliseconds;

const char* const kNullUevent = "/sys/devices/virtual/mem/null/uevent";

class NetlinkUeventSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to trigger a kernel uevent";
    auto opened = NetlinkUeventSource::open();
    ASSERT_TRUE(opened) << opened.error().describe();
    source = std::move(*opened);
  }

  // Waits for the synthetic "change" of /dev/null, skipping other devices'
  // events that happen to arrive meanwhile.
  std::optional<Uevent> wait_for_null() {
    for (int i = 0; i < 50; ++i) {
      auto event = source->next(milliseconds(2000));
      if (!event || !*event) return std::nullopt;
      if ((*event)->devpath == "/devices/virtual/mem/null") return **event;
    }
    return std::nullopt;
  }

  std::unique_ptr<NetlinkUeventSource> source;
};

TEST_F(NetlinkUeventSourceTest, ReceivesAKernelUevent) {
  std::ofstream(kNullUevent) << "change";
  const auto event = wait_for_null();
  ASSERT_TRUE(event) << "no uevent for /dev/null within the timeout";
  EXPECT_EQ(event->action, UeventAction::change);
  EXPECT_EQ(event->subsystem, "mem");
  EXPECT_EQ(event->devname, "null");
  EXPECT_GT(event->seqnum, 0u);
}

TEST_F(NetlinkUeventSourceTest, TimesOutWithNothing) {
  // Drain whatever is queued, then a short wait must come back empty or with
  // an unrelated real event — never an error.
  const auto event = source->next(milliseconds(50));
  EXPECT_TRUE(event) << event.error().describe();
}

TEST_F(NetlinkUeventSourceTest, DropsForgedEventsFromProcesses) {
  const int forger = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
  ASSERT_GE(forger, 0);
  sockaddr_nl to{};
  to.nl_family = AF_NETLINK;
  to.nl_groups = 1;
  const auto forged = "add@/devices/virtual/mem/null\0ACTION=add\0DEVPATH=/devices/virtual/mem/null\0"
                      "SUBSYSTEM=mem\0DEVNAME=null\0SEQNUM=1\0"s;
  const auto sent = ::sendto(forger, forged.data(), forged.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  ::close(forger);
  ASSERT_EQ(sent, static_cast<ssize_t>(forged.size())) << "the kernel refused the forged datagram";

  std::ofstream(kNullUevent) << "change";
  const auto event = wait_for_null();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->action, UeventAction::change);  // the real one; the forged "add" never came out
  EXPECT_GE(source->dropped(), 1u);
}

}  // namespace
}  // namespace custos::device
