// Finding the owner of a loopback connection: in a sample of /proc/net/tcp
// and tcp6 text, and for real on a connection made here.
#include "custos/viewer/loopback_peer.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace custos::viewer {
namespace {

constexpr std::string_view kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n"
    "   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 20 4 30 10 -1\n"
    "   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1\n"
    "   3: 0A00000F:D432 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1001        0 4 1 0 20 4 30 10 -1\n"
    "garbage line\n"
    "   4: 0100007F:ZZZZ 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1002        0 5\n";

TEST(LoopbackPeer, FindsTheClientSocketsOwner) {
  // 0xD431 = 54321 connected to 0x1F90 = 8080.
  auto owner = find_connection_owner(kTcp, 54321, 8080);
  ASSERT_TRUE(owner) << owner.error().describe();
  EXPECT_EQ(*owner, 1000u);
  // The server's own end is not mistaken for the client.
  EXPECT_EQ(*find_connection_owner(kTcp, 8080, 54321), 0u);
  // Not from the loopback (10.0.0.15): not found.
  EXPECT_EQ(find_connection_owner(kTcp, 54322, 8080).error().code, ErrorCode::not_found);
  const std::string tcp6 =
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
      "tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0000000000000000FFFF00000100007F:D431 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 "
      "00:00000000 00000000  1003        0 9 1\n";
  EXPECT_EQ(*find_connection_owner(tcp6, 54321, 8080), 1003u);
}

TEST(LoopbackPeer, NamesTheOwnerOfARealConnection) {
  const int server = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ASSERT_EQ(::bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(server, 1), 0);
  ASSERT_EQ(::getsockname(server, reinterpret_cast<sockaddr*>(&address), &size), 0);
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const int accepted = ::accept(server, nullptr, nullptr);
  ASSERT_GE(accepted, 0);
  auto owner = loopback_peer_uid(accepted);
  ASSERT_TRUE(owner) << owner.error().describe();
  EXPECT_EQ(*owner, ::geteuid());
  ::close(accepted);
  ::close(client);
  ::close(server);
}

}  // namespace
}  // namespace custos::viewer
