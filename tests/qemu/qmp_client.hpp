// A minimal QMP (QEMU Machine Protocol) client over a unix socket, for
// QemuGuest: connect, negotiate capabilities, execute one command at a time.
// Events that arrive while waiting for an answer are kept, not lost.
//
// Thread-safety: not thread-safe; one owner.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::testing {

class QmpClient {
 public:
  QmpClient() = default;
  ~QmpClient();
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  // Connects to the socket QEMU listens on (retrying until `timeout`, as
  // QEMU creates it while starting) and leaves capability negotiation.
  Result<void> connect(const std::filesystem::path& socket, std::chrono::milliseconds timeout);

  // Executes `command` with `arguments`; yields the "return" member, or
  // fails with `unavailable` carrying QMP's error description.
  Result<boost::json::value> execute(std::string_view command, const boost::json::object& arguments = {},
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Runs a human-monitor (HMP) command line, e.g. "info usb"; yields its text.
  Result<std::string> human(std::string_view command_line);

  // Events received so far ({"event": ..., "data": ...}), oldest first.
  const std::vector<boost::json::object>& events() const { return events_; }

 private:
  Result<boost::json::object> read_message(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  std::vector<boost::json::object> events_;
};

}  // namespace custos::testing
