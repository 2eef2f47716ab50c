#include "qmp_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace custos::testing {

QmpClient::~QmpClient() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> QmpClient::connect(const std::filesystem::path& socket_path, std::chrono::milliseconds timeout) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const auto path = socket_path.string();
  if (path.size() >= sizeof address.sun_path) {
    return fail(ErrorCode::invalid_argument, "monitor socket path too long (" + path + ")");
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return fail(ErrorCode::io, std::string("socket: ") + std::strerror(errno));
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) break;
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    // QEMU creates the socket a few milliseconds after it starts.
    if ((error != ENOENT && error != ECONNREFUSED) || std::chrono::steady_clock::now() > deadline) {
      return fail(ErrorCode::unavailable, "cannot connect to QEMU's monitor " + path + ": " + std::strerror(error));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto greeting = read_message(deadline + std::chrono::seconds(5));
  if (!greeting) return fail(greeting.error());
  if (!greeting->contains("QMP")) return fail(ErrorCode::corrupt, "QEMU's monitor did not greet with QMP");
  auto negotiated = execute("qmp_capabilities");
  if (!negotiated) return fail(negotiated.error());
  return ok();
}

Result<boost::json::value> QmpClient::execute(std::string_view command, const boost::json::object& arguments,
                                              std::chrono::milliseconds timeout) {
  if (fd_ < 0) return fail(ErrorCode::unavailable, "the QMP client is not connected");
  boost::json::object request{{"execute", command}};
  if (!arguments.empty()) request["arguments"] = arguments;
  const auto line = boost::json::serialize(request) + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    const ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(ErrorCode::unavailable, std::string("QMP send: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto message = read_message(deadline);
    if (!message) return fail(message.error());
    if (message->contains("event")) {
      events_.push_back(std::move(*message));
      continue;
    }
    if (const auto* result = message->if_contains("return")) return *result;
    if (const auto* error = message->if_contains("error"); error != nullptr && error->is_object()) {
      const auto* desc = error->as_object().if_contains("desc");
      return fail(ErrorCode::unavailable, std::string(command) + ": " +
                                              (desc != nullptr && desc->is_string() ? std::string(desc->as_string())
                                                                                    : boost::json::serialize(*error)));
    }
  }
}

Result<std::string> QmpClient::human(std::string_view command_line) {
  auto result = execute("human-monitor-command", {{"command-line", command_line}});
  if (!result) return fail(result.error());
  if (!result->is_string()) return fail(ErrorCode::corrupt, "human-monitor-command returned no text");
  std::string text(result->as_string());
  // HMP ends lines with CR LF.
  std::erase(text, '\r');
  return text;
}

Result<boost::json::object> QmpClient::read_message(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (const auto end = buffer_.find('\n'); end != std::string::npos) {
      const std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
      boost::system::error_code ec;
      auto value = boost::json::parse(line, ec);
      if (ec || !value.is_object()) return fail(ErrorCode::corrupt, "QMP sent a line that is not a JSON object: " + line);
      return std::move(value.as_object());
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return fail(ErrorCode::timeout, "QEMU's monitor did not answer in time");
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above decides
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(ErrorCode::unavailable, "QEMU closed its monitor (did the guest stop?)");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace custos::testing
