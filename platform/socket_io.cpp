#include "custos/platform/socket_io.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace custos {

bool send_all(int fd, std::string_view text) noexcept {
  while (!text.empty()) {
    const auto n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace custos
