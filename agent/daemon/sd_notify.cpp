#include "custos/agent/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace custos::agent {

Result<void> sd_notify(std::string_view state) {
  const char* socket_name = std::getenv("NOTIFY_SOCKET");
  if (socket_name == nullptr || socket_name[0] == '\0') return ok();
  const std::string name(socket_name);
  if ((name[0] != '/' && name[0] != '@') || name.size() >= sizeof(sockaddr_un::sun_path)) {
    return fail(ErrorCode::invalid_argument, "NOTIFY_SOCKET is neither a path nor an abstract name");
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorCode::io, std::string("sd_notify: socket: ") + std::strerror(errno));
  const auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address),
                             length);
  const int err = errno;
  ::close(fd);
  if (sent < 0) return fail(ErrorCode::io, "sd_notify: cannot send to " + name + ": " + std::strerror(err));
  return ok();
}

}  // namespace custos::agent
