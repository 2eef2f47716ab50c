#include "custos/agent/local_api.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "custos/platform/secret.hpp"
#include "custos/platform/socket_io.hpp"

namespace custos::agent {
namespace {

constexpr std::size_t kMaxRequest = 64 * 1024;
// The whole request must arrive within this, however it trickles in: the
// server answers one caller at a time.
constexpr int kClientTimeoutMs = 2000;

Error os_failure(std::string_view what, const std::filesystem::path& path) {
  const int err = errno;
  return Error{err == ECONNREFUSED || err == ENOENT ? ErrorCode::unavailable : ErrorCode::io,
               "cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(err)};
}

Result<sockaddr_un> address_of(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof address.sun_path) {
    return fail(ErrorCode::invalid_argument, "the socket path " + path.string() + " is too long");
  }
  std::memcpy(address.sun_path, path.c_str(), path.native().size());
  return address;
}

// Reads up to a newline (or EOF) within `timeout_ms` in all; false on
// timeout, error or a line longer than `max`.
bool read_line(int fd, std::string& out, int timeout_ms = kClientTimeoutMs, std::size_t max = kMaxRequest) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buffer[65536];
  std::size_t searched = 0;  // out[0, searched) holds no newline
  while (out.find('\n', searched) == std::string::npos) {
    searched = out.size();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return !out.empty();
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > max) return false;
  }
  out.resize(out.find('\n', searched));
  return true;
}

}  // namespace

Result<std::unique_ptr<LocalApiServer>> LocalApiServer::listen(const std::filesystem::path& path,
                                                               LocalHandler handler) {
  auto address = address_of(path);
  if (!address) return fail(address.error());
  std::error_code ec;
  if (!std::filesystem::exists(path.parent_path(), ec)) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return fail(ErrorCode::io, "cannot create " + path.parent_path().string() + ": " + ec.message());
    ::chmod(path.parent_path().c_str(), 0755);
  }
  std::filesystem::remove(path, ec);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail(os_failure("create a socket for", path));
  // Created 0600 (the umask), opened to the group below once it is right.
  const mode_t old_mask = ::umask(0177);
  const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof *address);
  ::umask(old_mask);
  if (bound != 0 || ::listen(fd, 16) != 0) {
    auto error = os_failure("listen on", path);
    ::close(fd);
    return fail(std::move(error));
  }
  if (const group* g = ::getgrnam("custos"); g != nullptr) {
    if (::chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
      spdlog::warn("cannot give {} to group custos: {}", path.string(), std::strerror(errno));
    }
  }
  if (::chmod(path.c_str(), 0660) != 0) {
    auto error = os_failure("set the mode of", path);
    ::close(fd);
    return fail(std::move(error));
  }
  return std::unique_ptr<LocalApiServer>(new LocalApiServer(fd, path, std::move(handler)));
}

LocalApiServer::~LocalApiServer() {
  ::close(fd_);
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void LocalApiServer::serve() {
  while (!stopping_.load()) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, 250);
    if (ready <= 0) continue;
    const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    answer(client);
    ::close(client);
  }
}

void LocalApiServer::answer(int client) {
  ucred credentials{};
  socklen_t size = sizeof credentials;
  if (::getsockopt(client, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) return;
  const Peer peer{credentials.uid, credentials.gid, credentials.pid};
  std::string request;
  if (!read_line(client, request)) return;
  (void)send_all(client, handler_(request, peer) + "\n");  // drops a caller that stops reading
  wipe(request);  // a view request carries the user's session token
}

Result<std::string> local_request(const std::filesystem::path& path, std::string_view request,
                                  std::chrono::milliseconds wait, std::size_t max_answer) {
  auto address = address_of(path);
  if (!address) return fail(address.error());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(os_failure("create a socket for", path));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof *address) != 0) {
    auto error = os_failure("connect to", path);
    ::close(fd);
    return fail(std::move(error));
  }
  std::string answer;
  const bool done = send_all(fd, std::string(request) + "\n") && read_line(fd, answer, static_cast<int>(wait.count()), max_answer);
  ::close(fd);
  if (!done) return fail(ErrorCode::io, "no answer from the agent at " + path.string());
  return answer;
}

}  // namespace custos::agent
