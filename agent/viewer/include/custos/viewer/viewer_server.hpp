// The viewer's one-time loopback web server: one per open view, serving one
// document's pages, as images, to one local user's browser.
//
//   - It listens on 127.0.0.1 at a port the kernel picks, and its URL,
//     http://127.0.0.1:PORT/v/TOKEN, carries a 256-bit random token.
//   - The token works once: that request gets the viewer page and a session
//     cookie (HttpOnly, SameSite=Strict) that every later request needs. A
//     second use of the URL, a request without the cookie, a request whose
//     Host is not 127.0.0.1:PORT (DNS rebinding) and any connection whose
//     socket is owned by another local user (loopback_peer.hpp) get 403.
//   - Responses never carry document text: the page is a shell, pages are
//     PNG images with the watermark; every response says
//     `Cache-Control: no-store` and a strict Content-Security-Policy.
//   - It closes when told (the grant was revoked or expired), after
//     `idle_timeout` without use (opening the view or a page; the page's
//     state poll does not count), when the page says it is going
//     (pagehide) or stops polling for `unpolled_timeout`. Closing drops the
//     document and every rendered page at once (their memory is wiped);
//     the page in the browser learns it within a second and blanks itself.
//
// Thread-safety: serve() on one thread; close(), is_open(), url() from any.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "custos/platform/error.hpp"
#include "custos/platform/secret.hpp"
#include "custos/viewer/page_source.hpp"

namespace custos::viewer {

struct ViewerServerOptions {
  uid_t owner = 0;            // the local user the view belongs to
  std::string label;          // the browser tab's title, e.g. "document 3" (never the document's text)
  std::chrono::seconds idle_timeout{15 * 60};
  std::chrono::seconds unpolled_timeout{15};
  // Called on the serving thread each time a page is shown (1-based); a
  // change of zoom on the same page is not another view.
  std::function<void(int page)> on_page_view;
  // Called once, on the serving thread, when the view closes, with why.
  std::function<void(const std::string& reason)> on_close;
};

class ViewerServer {
 public:
  static Result<std::unique_ptr<ViewerServer>> open(OpenDocument document, ViewerServerOptions options);
  ~ViewerServer();
  ViewerServer(const ViewerServer&) = delete;
  ViewerServer& operator=(const ViewerServer&) = delete;

  // http://127.0.0.1:PORT/v/TOKEN — give it to the user's browser once.
  const std::string& url() const { return url_; }
  std::uint16_t port() const { return port_; }

  // Answers requests until the view is closed (then a few seconds more, so
  // the page can learn why).
  void serve();
  // Closes the view: from now on no page is served; the document is dropped.
  void close(const std::string& reason);
  bool is_open() const { return open_.load(); }

 private:
  ViewerServer(int fd, std::uint16_t port, OpenDocument document, ViewerServerOptions options);
  void answer(int client);
  std::string respond_to(const struct HttpRequest& request);
  std::string page_response(std::string_view path, std::string_view query);
  void check_timeouts();
  void report_close();

  int fd_;
  std::uint16_t port_;
  std::string url_;
  Secret token_;        // the one-time path token
  Secret session_;      // the cookie, once the token was used
  bool token_used_ = false;
  ViewerServerOptions options_;
  std::atomic<bool> open_{true};
  bool close_reported_ = false;
  std::chrono::steady_clock::time_point last_request_, last_poll_, closed_at_;
  bool polled_ = false;
  int last_page_ = 0;

  mutable std::mutex mutex_;  // guards document_, cache_, reason_
  OpenDocument document_;
  std::map<std::pair<int, int>, PageImage> cache_;  // (page, zoom in %) → image
  std::string reason_;
};

}  // namespace custos::viewer
