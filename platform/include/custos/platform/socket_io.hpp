// Small helpers for stream sockets the agent serves (its local API, the
// viewer's loopback server).
//
// Thread-safety: plain functions.
#pragma once

#include <string_view>

namespace custos {

// Sends all of `text` (retrying on EINTR, never raising SIGPIPE) as long as
// the peer keeps reading; false when the peer has gone, the socket fails, or
// a write has waited `stall_ms` without progress: these servers answer one
// caller at a time, and one that stops reading must not hold them.
bool send_all(int fd, std::string_view text, int stall_ms = 5000) noexcept;

}  // namespace custos
