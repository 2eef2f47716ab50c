// The printer the agent sends stamped pages to, behind an interface (the
// design's `Printer`): CUPS through libcups on Linux. The PDF goes to the
// scheduler from memory (cupsCreateJob / cupsStartDocument /
// cupsWriteRequestData), never through a file.
//
// Errors: unavailable when the scheduler cannot be reached or the queue does
// not accept jobs; not_found for a queue that does not exist (or no default
// queue); io when the scheduler refuses or ends a job; timeout when it does
// not finish in time.
//
// Thread-safety: libcups keeps its connection per thread; use a Printer on
// one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos::print {

struct PrintJob {
  std::string queue;
  std::string title;                       // the job's name (no customer content: the request's number)
  int copies = 1;
  std::span<const std::uint8_t> pdf;
};

class Printer {
 public:
  virtual ~Printer() = default;
  // The queue to print on: `wanted`, or the default queue when empty; it
  // must exist and accept jobs.
  virtual Result<std::string> resolve(std::string_view wanted) = 0;
  // Sends the job; its id.
  virtual Result<int> submit(const PrintJob& job) = 0;
  // Waits until the job is completed (ok) or ended otherwise (io).
  virtual Result<void> wait(std::string_view queue, int job, std::chrono::milliseconds limit) = 0;
  // Cancels the job and waits up to `limit` for CUPS to end it: whether it
  // had printed (completed) before the cancel took; false once it is
  // cancelled or aborted. A job CUPS still holds after `limit`, one it no
  // longer lists, or a scheduler that cannot be reached is an error: it may
  // yet print, or have printed.
  virtual Result<bool> cancel(std::string_view queue, int job, std::chrono::milliseconds limit) = 0;
};

// CUPS at `server` (a host, host:port or a socket path); empty: libcups's
// own choice ($CUPS_SERVER, client.conf, the local scheduler).
std::unique_ptr<Printer> make_cups_printer(std::string server);

}  // namespace custos::print
