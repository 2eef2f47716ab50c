// custos-agent-worker, seen from the agent: the separate process that
// renders a view, prints a job or makes a preview (agent/worker/), so that
// the root daemon neither links poppler, cairo, pango, qpdf and libcups nor
// parses a document itself.
//
// start() spawns one worker for one job, connected by a socketpair (fd 3
// in the worker); the agent keeps fetching, the vault's checks, revocation
// and events, and talks to the worker in frames (worker_channel.hpp). The
// worker dies with the agent; the agent ends it with SIGTERM when it is no
// longer wanted, and the destructor does so and reaps it.
//
// Thread-safety: receive() on one thread, send() on one thread (may be
// another), terminate() and ended() from any.
#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "custos/agent/worker_channel.hpp"

namespace custos::agent {

// The worker to run: `configured`, or custos-agent-worker next to the
// running program.
std::filesystem::path worker_program(const std::filesystem::path& configured);

class Worker {
 public:
  static Result<std::unique_ptr<Worker>> start(const std::filesystem::path& program);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  pid_t pid() const { return pid_; }
  Result<void> send(const boost::json::object& meta, std::span<const std::uint8_t> bytes = {});
  // How long receive() waits for the worker (0: for ever, the default).
  // A worker silent for longer is ended: timeout.
  void answer_within(std::chrono::milliseconds limit);
  // The next frame's JSON; a frame with bytes is corrupt here. The worker's
  // {"error": …} comes back as that error; a worker that ended without
  // answering as internal ("… ended unexpectedly (signal 11)").
  Result<boost::json::object> receive();
  // The next frame, its bytes into `bytes` (at most `limit`).
  Result<boost::json::object> receive(std::vector<std::uint8_t>& bytes, std::uint64_t limit);
  // SIGTERM, unless it has already been reaped.
  void terminate();
  // Whether the worker has ended (without waiting).
  bool exited();
  // Waits for the worker to end; how it ended ("exit 0", "signal 11").
  std::string ended();

 private:
  Worker(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  Error lost(const Error& why);

  pid_t pid_;
  int fd_;
  std::mutex mutex_;  // guards reaped_ and status_
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace custos::agent
