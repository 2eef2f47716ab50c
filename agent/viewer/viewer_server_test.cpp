// The loopback server through real sockets: the one-time link, the session
// cookie, the Host check, another local user, page images and events, and
// closing.
#include "custos/viewer/viewer_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "testing/test_documents.hpp"

namespace custos::viewer {
namespace {

struct Reply {
  int status = 0;
  std::string head, body;
};

Reply fetch(std::uint16_t port, const std::string& request) {
  Reply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return reply;
  }
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string all;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) all.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  const auto split = all.find("\r\n\r\n");
  if (split == std::string::npos || all.size() < 12) return reply;
  reply.status = std::stoi(all.substr(9, 3));
  reply.head = all.substr(0, split);
  reply.body = all.substr(split + 4);
  return reply;
}

// The status another local user (nobody) gets for `request`.
int status_as_nobody(std::uint16_t port, const std::string& request) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0) ::_exit(99);
    ::_exit(fetch(port, request).status == 403 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct ViewerServerTest : ::testing::Test {
  std::vector<int> viewed;
  std::string closed_why;
  std::unique_ptr<ViewerServer> server;
  std::thread serving;

  void SetUp() override {
    const auto pdf = testing::make_pdf(3, "SECRET-CONTENT-7731");
    LockedBuffer content;
    content.append({reinterpret_cast<const std::uint8_t*>(pdf.data()), pdf.size()});
    auto document = open_document(std::move(content), "application/pdf", "a.pdf",
                                  Watermark{"clerk1", "agent-1", "2026-11-27T08:00:00Z", "T-1"});
    ASSERT_TRUE(document) << document.error().describe();
    ViewerServerOptions options;
    options.owner = ::geteuid();
    options.label = "document 1";
    options.on_page_view = [this](int page) { viewed.push_back(page); };
    options.on_close = [this](const std::string& why) { closed_why = why; };
    auto opened = ViewerServer::open(std::move(*document), std::move(options));
    ASSERT_TRUE(opened) << opened.error().describe();
    server = std::move(*opened);
    serving = std::thread([this] { server->serve(); });
  }
  void TearDown() override {
    if (server) server->close("test over");
    if (serving.joinable()) serving.join();
  }
  std::string host() const { return "Host: 127.0.0.1:" + std::to_string(server->port()) + "\r\n"; }
  std::string get(const std::string& path, const std::string& cookie = "") const {
    return "GET " + path + " HTTP/1.1\r\n" + host() + (cookie.empty() ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
  }
};

TEST_F(ViewerServerTest, TheLinkWorksOnceForItsUserAndPagesNeedTheSession) {
  const auto& url = server->url();
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:" + std::to_string(server->port()) + "/v/"));
  const auto path = url.substr(url.find("/v/"));
  EXPECT_EQ(path.size(), 3u + 43u);  // 256 bits, base64url
  ASSERT_EQ(::geteuid(), 0u) << "this test needs root to act as another local user";

  // Another local user, even with the link: 403, and the link stays unused.
  EXPECT_EQ(status_as_nobody(server->port(), get(path)), 0);
  // A wrong Host (DNS rebinding) or a wrong token: 403.
  EXPECT_EQ(fetch(server->port(), "GET " + path + " HTTP/1.1\r\nHost: evil.example:80\r\n\r\n").status, 403);
  EXPECT_EQ(fetch(server->port(), get("/v/" + std::string(43, 'A'))).status, 403);
  EXPECT_EQ(fetch(server->port(), get("/page/1")).status, 403);  // no token, no session

  auto first = fetch(server->port(), get(path));
  ASSERT_EQ(first.status, 200);
  EXPECT_NE(first.head.find("Cache-Control: no-store"), std::string::npos);
  EXPECT_NE(first.head.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
  EXPECT_EQ(first.body.find("SECRET-CONTENT"), std::string::npos);
  EXPECT_NE(first.body.find("data-pages=\"3\""), std::string::npos);
  const auto at = first.head.find("Set-Cookie: custos_view=");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(first.head.find("HttpOnly; SameSite=Strict"), std::string::npos);
  const auto cookie = first.head.substr(at + 12, first.head.find(';', at) - at - 12);

  // Used once: the second time is refused.
  EXPECT_EQ(fetch(server->port(), get(path)).status, 403);

  auto page = fetch(server->port(), get("/page/2?zoom=0.5", cookie));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.head.find("Content-Type: image/png"), std::string::npos);
  EXPECT_NE(page.head.find("Cache-Control: no-store"), std::string::npos);
  EXPECT_TRUE(page.body.starts_with("\x89PNG"));
  EXPECT_EQ(page.body.find("SECRET-CONTENT"), std::string::npos);
  EXPECT_EQ(fetch(server->port(), get("/page/2?zoom=1", cookie)).status, 200);  // same page: one view
  EXPECT_EQ(fetch(server->port(), get("/page/3", cookie)).status, 200);
  EXPECT_EQ(fetch(server->port(), get("/page/4", cookie)).status, 404);
  EXPECT_EQ(fetch(server->port(), get("/page/x", cookie)).status, 404);
  EXPECT_EQ(fetch(server->port(), get("/page/1", "custos_view=forged")).status, 403);
  EXPECT_EQ(status_as_nobody(server->port(), get("/page/1", cookie)), 0);
  EXPECT_EQ(fetch(server->port(), get("/viewer.js", cookie)).status, 200);
  EXPECT_EQ(fetch(server->port(), "GARBAGE\r\n\r\n").status, 400);
  EXPECT_EQ(viewed, (std::vector<int>{2, 3}));

  // Closed (a revoked grant): no page any more, and the page is told why.
  auto state = fetch(server->port(), get("/state", cookie));
  EXPECT_EQ(state.body, R"({"open":true})");
  server->close("the grant was revoked");
  EXPECT_EQ(fetch(server->port(), get("/page/1", cookie)).status, 410);
  state = fetch(server->port(), get("/state", cookie));
  EXPECT_EQ(state.body, R"({"open":false,"reason":"the grant was revoked"})");
  serving.join();
  EXPECT_EQ(closed_why, "the grant was revoked");
}

TEST_F(ViewerServerTest, ThePageSayingGoodbyeClosesTheView) {
  const auto path = server->url().substr(server->url().find("/v/"));
  auto first = fetch(server->port(), get(path));
  const auto at = first.head.find("Set-Cookie: custos_view=");
  ASSERT_NE(at, std::string::npos);
  const auto cookie = first.head.substr(at + 12, first.head.find(';', at) - at - 12);
  const auto bye = "POST /close HTTP/1.1\r\n" + host() + "Cookie: " + cookie + "\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(fetch(server->port(), bye).status, 204);
  EXPECT_FALSE(server->is_open());
  serving.join();
  EXPECT_EQ(closed_why, "the viewer window was closed");
}

TEST(ViewerServerIdle, AnOpenTabThatOnlyPollsIsClosedAfterTheIdleTime) {
  const auto pdf = testing::make_pdf(1, "x");
  LockedBuffer content;
  content.append({reinterpret_cast<const std::uint8_t*>(pdf.data()), pdf.size()});
  auto document = open_document(std::move(content), "application/pdf", "", Watermark{});
  ASSERT_TRUE(document);
  ViewerServerOptions options;
  options.owner = ::geteuid();
  options.idle_timeout = std::chrono::seconds(1);
  std::string why;
  options.on_close = [&why](const std::string& reason) { why = reason; };
  auto server = ViewerServer::open(std::move(*document), std::move(options));
  ASSERT_TRUE(server);
  std::thread serving([&] { (*server)->serve(); });
  const auto host = "Host: 127.0.0.1:" + std::to_string((*server)->port()) + "\r\n";
  const auto path = (*server)->url().substr((*server)->url().find("/v/"));
  auto first = fetch((*server)->port(), "GET " + path + " HTTP/1.1\r\n" + host + "\r\n");
  const auto at = first.head.find("Set-Cookie: custos_view=");
  ASSERT_NE(at, std::string::npos);
  const auto cookie = first.head.substr(at + 12, first.head.find(';', at) - at - 12);
  // The page keeps polling; nobody turns a page.
  for (int i = 0; i < 20 && (*server)->is_open(); ++i) {
    fetch((*server)->port(), "GET /state HTTP/1.1\r\n" + host + "Cookie: " + cookie + "\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE((*server)->is_open());
  serving.join();
  EXPECT_EQ(why, "closed after 1 seconds without use");
}

}  // namespace
}  // namespace custos::viewer
