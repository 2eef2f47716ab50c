// Small helpers for stream sockets the agent serves (its local API, the
// viewer's loopback server).
//
// Thread-safety: plain functions.
#pragma once

#include <string_view>

namespace custos {

// Sends all of `text` (retrying on EINTR, never raising SIGPIPE); false
// when the peer has gone or the socket fails.
bool send_all(int fd, std::string_view text) noexcept;

}  // namespace custos
