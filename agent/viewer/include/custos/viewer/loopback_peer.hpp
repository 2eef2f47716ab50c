// Who is on the other end of a loopback TCP connection. A Unix socket has
// SO_PEERCRED; TCP has nothing of the kind, but on one machine the kernel
// knows both ends: the client's socket is a line of /proc/net/tcp (or tcp6
// for an IPv4-mapped one) whose local address is the client's port and
// whose remote address is ours, and that line names the socket's owner.
// The viewer uses it to serve a view only to the local user it was opened
// for — another user on the same workstation gets 403 even with the URL.
//
// Thread-safety: plain functions.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos::viewer {

// Finds, in the text of /proc/net/tcp or /proc/net/tcp6, the socket bound
// to 127.0.0.1:`client_port` and connected to 127.0.0.1:`server_port`, and
// returns its owner. not_found when there is no such line; lines that do not
// parse are skipped.
Result<uid_t> find_connection_owner(std::string_view proc_net_tcp, std::uint16_t client_port,
                                    std::uint16_t server_port);

// The owner of the client end of the accepted loopback connection `fd`,
// from /proc/net/tcp and then /proc/net/tcp6. not_found when neither knows it
// (the client is not on this machine's loopback, or has gone).
Result<uid_t> loopback_peer_uid(int fd);

}  // namespace custos::viewer
