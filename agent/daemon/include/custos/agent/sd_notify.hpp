// systemd's readiness protocol without libsystemd: one datagram ("READY=1\n
// STATUS=…") to the socket named by $NOTIFY_SOCKET (a path, or "@name" for
// an abstract socket). Without $NOTIFY_SOCKET (not started by systemd with
// Type=notify) it does nothing.
//
// Thread-safety: safe from any thread.
#pragma once

#include <string_view>

#include "custos/platform/error.hpp"

namespace custos::agent {

// Sends `state` (newline-separated assignments) to $NOTIFY_SOCKET.
Result<void> sd_notify(std::string_view state);

}  // namespace custos::agent
