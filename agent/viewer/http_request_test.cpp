// The loopback server's request parser: what a browser sends is read, and
// each way a head can be wrong is refused with its code.
#include "custos/viewer/http_request.hpp"

#include <gtest/gtest.h>

namespace custos::viewer {
namespace {

TEST(HttpRequest, ReadsWhatABrowserSends) {
  const std::string head =
      "GET /page/3?zoom=1.25 HTTP/1.1\r\nHost: 127.0.0.1:4711\r\nUser-Agent: Mozilla/5.0\r\n"
      "Cookie: a=1; custos_view=abc_DEF-123; b=2\r\nAccept: image/png\r\n\r\n";
  ASSERT_EQ(request_head_length(head + "body"), head.size());
  auto request = parse_request_head(head);
  ASSERT_TRUE(request) << request.error().describe();
  EXPECT_EQ(request->method, "GET");
  EXPECT_EQ(request->path, "/page/3");
  EXPECT_EQ(request->query, "zoom=1.25");
  EXPECT_EQ(request->host, "127.0.0.1:4711");
  EXPECT_EQ(cookie_value(request->cookie, "custos_view"), "abc_DEF-123");
  EXPECT_EQ(cookie_value(request->cookie, "missing"), "");
  EXPECT_FALSE(request_head_length("GET / HTTP/1.1\r\nHost: x\r\n"));
}

TEST(HttpRequest, RefusesEachMalformedHead) {
  struct Case {
    std::string head;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"GET / HTTP/1.1\r\n", ErrorCode::invalid_argument},                          // no blank line
      {"\r\n\r\n", ErrorCode::invalid_argument},                                    // no request line
      {"GET /\r\n\r\n", ErrorCode::invalid_argument},                               // no version
      {"GET / HTTP/1.1 x\r\n\r\n", ErrorCode::invalid_argument},                    // too many parts
      {"PUT / HTTP/1.1\r\n\r\n", ErrorCode::invalid_argument},                      // method
      {"GET / HTTP/2\r\n\r\n", ErrorCode::invalid_argument},                        // version
      {"GET http://x/ HTTP/1.1\r\n\r\n", ErrorCode::invalid_argument},              // absolute form
      {"GET / HTTP/1.1\r\nHost x\r\n\r\n", ErrorCode::invalid_argument},            // no colon
      {"GET / HTTP/1.1\r\n: x\r\n\r\n", ErrorCode::invalid_argument},               // empty name
      {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", ErrorCode::invalid_argument},       // not a token
      {"GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", ErrorCode::invalid_argument},  // two hosts
      {"GET / HTTP/1.1\r\nCookie: a\r\nCookie: b\r\n\r\n", ErrorCode::invalid_argument},
      {"GET /\xE5\xBC\xA0 HTTP/1.1\r\n\r\n", ErrorCode::invalid_argument},          // not ASCII
      {"GET / HTTP/1.1\nHost: x\r\n\r\n", ErrorCode::invalid_argument},             // bare LF
      {"GET / HTTP/1.1\r\n" + std::string(9000, 'a') + ": b\r\n\r\n", ErrorCode::too_large},
  };
  for (const auto& c : cases) {
    auto parsed = parse_request_head(c.head);
    ASSERT_FALSE(parsed) << c.head;
    EXPECT_EQ(parsed.error().code, c.code) << c.head;
  }
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 65; ++i) many += "X-" + std::to_string(i) + ": y\r\n";
  EXPECT_EQ(parse_request_head(many + "\r\n").error().code, ErrorCode::too_large);
}

}  // namespace
}  // namespace custos::viewer
