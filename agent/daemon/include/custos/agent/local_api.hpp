// The agent's local API: a Unix stream socket for programs on the
// workstation (`custos-agent status`, and the `custos` command for what
// must happen here). The socket is mode 0660, group `custos` when that
// group exists, so only root and its members can connect; each caller is
// identified by the kernel (SO_PEERCRED: uid, gid, pid), never by what it
// says.
//
// The protocol is one request line (a JSON object, at most 64 KiB, e.g.
// {"command": "status"}) and one answer line (a JSON object; the client
// says how long it may be), then the server closes the connection. Callers
// are answered one at a time, so none may hold the server: the request
// line must arrive whole within 2 s, and a caller that stops reading its
// answer for 5 s is dropped.
//
// Thread-safety: serve() on one thread; stop() from any. The handler is
// called on the serving thread, one request at a time.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "custos/platform/error.hpp"

namespace custos::agent {

struct Peer {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
};

using LocalHandler = std::function<std::string(std::string_view request, const Peer& peer)>;

class LocalApiServer {
 public:
  // Binds `path` (an old socket file there is replaced; its folder is made
  // 0755 when missing) and listens.
  static Result<std::unique_ptr<LocalApiServer>> listen(const std::filesystem::path& path, LocalHandler handler);
  ~LocalApiServer();
  LocalApiServer(const LocalApiServer&) = delete;
  LocalApiServer& operator=(const LocalApiServer&) = delete;

  void serve();  // until stop()
  void stop() { stopping_.store(true); }

 private:
  LocalApiServer(int fd, std::filesystem::path path, LocalHandler handler)
      : fd_(fd), path_(std::move(path)), handler_(std::move(handler)) {}
  void answer(int client);

  int fd_;
  std::filesystem::path path_;
  LocalHandler handler_;
  std::atomic<bool> stopping_{false};
};

// The client side: sends one request line, returns the answer line, waiting
// at most `wait` for it (a print run takes as long as the printer) and
// taking at most `max_answer` bytes (a print preview answers its PDF).
// unavailable when nothing listens at `path`.
Result<std::string> local_request(const std::filesystem::path& path, std::string_view request,
                                  std::chrono::milliseconds wait = std::chrono::seconds(2),
                                  std::size_t max_answer = 64 * 1024);

}  // namespace custos::agent
