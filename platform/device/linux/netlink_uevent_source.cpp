#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "custos/device/linux.hpp"

namespace custos::device {
namespace {

// The kernel's multicast group on NETLINK_KOBJECT_UEVENT; udevd sends on 2.
constexpr unsigned kKernelGroup = 1;

Error socket_error(std::string_view what, int err) { return os_error(what, "the uevent netlink socket", err); }

}  // namespace

Result<std::unique_ptr<NetlinkUeventSource>> NetlinkUeventSource::open(int receive_buffer_bytes) {
  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
  if (fd < 0) return fail(socket_error("open", errno));
  std::unique_ptr<NetlinkUeventSource> source(new NetlinkUeventSource(fd));

  // A burst of hot-plugs (a hub with many devices) must not overflow the
  // queue; FORCE passes the rmem_max cap when we have CAP_NET_ADMIN.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer_bytes, sizeof receive_buffer_bytes) != 0 &&
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes) != 0) {
    return fail(socket_error("size the receive buffer of", errno));
  }
  const int on = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
    return fail(socket_error("ask for credentials on", errno));
  }
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = kKernelGroup;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return fail(socket_error("bind", errno));
  }
  return source;
}

NetlinkUeventSource::~NetlinkUeventSource() { ::close(fd_); }

Result<std::optional<Uevent>> NetlinkUeventSource::next(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  std::array<char, kMaxUeventBytes + 1> buffer;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd waiting{fd_, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return fail(socket_error("wait on", errno));
    if (ready == 0) return std::optional<Uevent>();

    sockaddr_nl sender{};
    iovec io{buffer.data(), buffer.size()};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(ucred))> control;
    msghdr message{};
    message.msg_name = &sender;
    message.msg_namelen = sizeof sender;
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    const auto got = ::recvmsg(fd_, &message, MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ENOBUFS) {
        return fail(ErrorCode::unavailable, "uevents were lost (the receive buffer overflowed); rescan the devices");
      }
      return fail(socket_error("receive from", errno));
    }

    // Only the kernel's word counts: port id 0 and root credentials. Any
    // local process could otherwise forge an "add" to steer the agent.
    const cmsghdr* header = CMSG_FIRSTHDR(&message);
    const bool has_credentials = header != nullptr && header->cmsg_level == SOL_SOCKET &&
                                 header->cmsg_type == SCM_CREDENTIALS &&
                                 header->cmsg_len == CMSG_LEN(sizeof(ucred));
    ucred credentials{};
    if (has_credentials) std::memcpy(&credentials, CMSG_DATA(header), sizeof credentials);
    if (!has_credentials || credentials.uid != 0 || sender.nl_pid != 0 || message.msg_namelen != sizeof sender) {
      ++dropped_;
      continue;
    }
    if ((message.msg_flags & MSG_TRUNC) != 0) {
      return fail(ErrorCode::corrupt, "a uevent longer than " + std::to_string(kMaxUeventBytes) + " bytes was cut off");
    }
    auto event = parse_uevent(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    if (!event) return fail(std::move(event).error());
    if (*event) return event;
    ++dropped_;  // a libudev message on the kernel's group: not ours to act on
  }
}

}  // namespace custos::device
