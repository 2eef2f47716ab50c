// The loopback server is deliberately small: one connection at a time, one
// request per connection (`Connection: close`), a 2-second read deadline.
// One user's browser on the same machine is its only client, and the pages
// are rendered here anyway, so concurrency would buy nothing but races.
#include "custos/viewer/viewer_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "custos/platform/socket_io.hpp"

#include "custos/platform/encoding.hpp"
#include "custos/platform/url.hpp"
#include "custos/viewer/http_request.hpp"
#include "custos/viewer/loopback_peer.hpp"
#include "viewer_assets.hpp"

namespace custos::viewer {
namespace {

constexpr int kReadTimeoutMs = 2000;
constexpr auto kLingerAfterClose = std::chrono::seconds(3);
constexpr std::size_t kCachedPages = 12;
constexpr std::string_view kCookie = "custos_view";

// Every answer: nothing cached anywhere, nothing framed, nothing fetched
// from elsewhere, no referrer, and the connection closed after it.
std::string response(int status, std::string_view reason, std::string_view type, std::string_view body,
                     std::string_view extra_headers = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  out += "Content-Type: " + std::string(type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out +=
      "Cache-Control: no-store, max-age=0\r\n"
      "Pragma: no-cache\r\n"
      "X-Content-Type-Options: nosniff\r\n"
      "X-Frame-Options: DENY\r\n"
      "Referrer-Policy: no-referrer\r\n"
      "Cross-Origin-Resource-Policy: same-origin\r\n"
      "Content-Security-Policy: default-src 'none'; img-src 'self'; script-src 'self'; style-src 'unsafe-inline'; "
      "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'\r\n"
      "Connection: close\r\n";
  out += extra_headers;
  out += "\r\n";
  out += body;
  return out;
}

std::string refused(int status, std::string_view reason, std::string_view why) {
  return response(status, reason, "text/plain; charset=utf-8", std::string(why) + "\n");
}

// Reads a request head within the deadline; "" on timeout, error or excess.
std::string read_head(int fd) {
  std::string head;
  char buffer[2048];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadTimeoutMs);
  while (!request_head_length(head)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return {};
    head.append(buffer, static_cast<std::size_t>(n));
    if (head.size() > kMaxRequestHead) return {};
  }
  head.resize(*request_head_length(head));
  return head;
}

std::string json_state(bool open, std::string_view reason) {
  std::string body = open ? R"({"open":true)" : R"({"open":false)";
  if (!reason.empty()) {
    body += R"(,"reason":")";
    for (const char c : reason) {
      if (c == '"' || c == '\\') body += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) body += c;
    }
    body += '"';
  }
  return body + "}";
}

// "zoom=1.5" → 150 (percent), clamped; 100 when absent or malformed.
int zoom_percent(std::string_view query) {
  auto parsed = parse_query(query);
  if (!parsed) return 100;
  for (const auto& [key, value] : *parsed) {
    if (key != "zoom") continue;
    double zoom = 1.0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), zoom);
    if (ec != std::errc{} || end != value.data() + value.size()) return 100;
    return static_cast<int>(clamp_zoom(zoom) * 100 + 0.5);
  }
  return 100;
}

}  // namespace

Result<std::unique_ptr<ViewerServer>> ViewerServer::open(OpenDocument document, ViewerServerOptions options) {
  if (!document.pages) return fail(ErrorCode::internal, "a view needs an open document");
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail(ErrorCode::io, std::string("cannot create the viewer's socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free port
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    const int err = errno;
    ::close(fd);
    return fail(ErrorCode::io, std::string("cannot listen on the loopback: ") + std::strerror(err));
  }
  return std::unique_ptr<ViewerServer>(
      new ViewerServer(fd, ntohs(address.sin_port), std::move(document), std::move(options)));
}

ViewerServer::ViewerServer(int fd, std::uint16_t port, OpenDocument document, ViewerServerOptions options)
    : fd_(fd),
      port_(port),
      token_(Secret::random(32)),
      options_(std::move(options)),
      last_request_(std::chrono::steady_clock::now()),
      last_poll_(last_request_),
      document_(std::move(document)) {
  url_ = "http://127.0.0.1:" + std::to_string(port_) + "/v/" + base64url_encode(token_.unsafe_bytes());
}

ViewerServer::~ViewerServer() {
  close("the agent stopped the view");
  if (fd_ >= 0) ::close(fd_);
}

void ViewerServer::close(const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (!open_.load()) return;
  reason_ = reason;
  cache_.clear();        // every page image wiped
  document_ = {};        // the page source, then the plaintext, wiped
  closed_at_ = std::chrono::steady_clock::now();
  open_.store(false);
}

void ViewerServer::report_close() {
  if (close_reported_ || open_.load()) return;
  close_reported_ = true;
  std::string reason;
  {
    std::lock_guard lock(mutex_);
    reason = reason_;
  }
  if (options_.on_close) options_.on_close(reason);
}

void ViewerServer::check_timeouts() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_request_ > options_.idle_timeout) {
    close("closed after " + std::to_string(options_.idle_timeout.count()) + " seconds without use");
  } else if (polled_ && now - last_poll_ > options_.unpolled_timeout) {
    close("the viewer window was closed");
  }
}

void ViewerServer::serve() {
  while (true) {
    if (open_.load()) check_timeouts();
    report_close();
    if (!open_.load() && std::chrono::steady_clock::now() - closed_at_ > kLingerAfterClose) {
      // Gone from the loopback: a later connection is refused, not queued.
      ::close(fd_);
      fd_ = -1;
      return;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    answer(client);
    ::close(client);
  }
}

void ViewerServer::answer(int client) {
  // Who is asking first: another local user gets nothing, not even a parse.
  auto owner = loopback_peer_uid(client);
  if (!owner || *owner != options_.owner) {
    (void)send_all(client, refused(403, "Forbidden", "This view belongs to another user."));
    return;
  }
  const auto head = read_head(client);
  auto request = parse_request_head(head);
  if (head.empty() || !request) {
    (void)send_all(client, refused(400, "Bad Request", "Malformed request."));
    return;
  }
  auto answer = respond_to(*request);
  (void)send_all(client, answer);
  wipe(answer);  // a page image leaves through here
}

std::string ViewerServer::respond_to(const HttpRequest& request) {
  if (request.host != "127.0.0.1:" + std::to_string(port_)) {
    return refused(403, "Forbidden", "Open the viewer at the address it gave.");
  }
  // Use is what the person does — opening the view, turning pages — not
  // the page's own state poll, or an open tab would never be idle.
  if (request.path != "/state") last_request_ = std::chrono::steady_clock::now();
  if (request.method == "GET" && request.path.starts_with("/v/")) {
    const auto given = Secret::from_string(std::string_view(request.path).substr(3));
    const auto expected = Secret::from_string(base64url_encode(token_.unsafe_bytes()));
    if (!given.equals(expected)) return refused(403, "Forbidden", "This is no view link.");
    if (token_used_) return refused(403, "Forbidden", "This view link was used already; run custos view again.");
    if (!open_.load()) return refused(403, "Forbidden", "This view is closed.");
    token_used_ = true;
    session_ = Secret::random(32);
    int pages = 0;
    {
      std::lock_guard lock(mutex_);
      pages = document_.pages ? document_.pages->page_count() : 0;
    }
    const auto cookie = "Set-Cookie: " + std::string(kCookie) + "=" + base64url_encode(session_.unsafe_bytes()) +
                        "; Path=/; HttpOnly; SameSite=Strict\r\n";
    return response(200, "OK", "text/html; charset=utf-8", viewer_html(options_.label, pages), cookie);
  }
  // Everything else belongs to the session the token opened.
  const auto presented = cookie_value(request.cookie, kCookie);
  if (session_.empty() || presented.empty() ||
      !Secret::from_string(presented).equals(Secret::from_string(base64url_encode(session_.unsafe_bytes())))) {
    return refused(403, "Forbidden", "Not part of this view.");
  }
  if (request.method == "GET" && request.path == "/viewer.js") {
    return response(200, "OK", "text/javascript; charset=utf-8", kViewerScript);
  }
  if (request.method == "GET" && request.path == "/state") {
    polled_ = true;
    last_poll_ = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    return response(200, "OK", "application/json", json_state(open_.load(), reason_));
  }
  if (request.method == "POST" && request.path == "/close") {
    close("the viewer window was closed");
    return response(204, "No Content", "text/plain", "");
  }
  if (request.method == "GET" && request.path.starts_with("/page/")) {
    return page_response(std::string_view(request.path).substr(6), request.query);
  }
  return refused(404, "Not Found", "No such thing here.");
}

std::string ViewerServer::page_response(std::string_view number, std::string_view query) {
  int page = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), page);
  if (ec != std::errc{} || end != number.data() + number.size() || page < 1) {
    return refused(404, "Not Found", "No such page.");
  }
  const int zoom = zoom_percent(query);
  std::string answer;
  {
    std::lock_guard lock(mutex_);
    if (!open_.load() || !document_.pages) return refused(410, "Gone", "This view is closed.");
    if (page > document_.pages->page_count()) return refused(404, "Not Found", "No such page.");
    auto cached = cache_.find({page, zoom});
    if (cached == cache_.end()) {
      auto rendered = document_.pages->render(page - 1, RenderOptions{.zoom = zoom / 100.0});
      if (!rendered) return refused(500, "Internal Server Error", "The page cannot be drawn.");
      if (cache_.size() >= kCachedPages) cache_.erase(cache_.begin());
      cached = cache_.emplace(std::pair{page, zoom}, std::move(*rendered)).first;
    }
    answer = response(200, "OK", "image/png", cached->second.png.unsafe_view());
  }
  if (page != last_page_) {
    last_page_ = page;
    if (options_.on_page_view) options_.on_page_view(page);
  }
  return answer;
}

}  // namespace custos::viewer
