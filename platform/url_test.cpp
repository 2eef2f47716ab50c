#include "custos/platform/url.hpp"

#include <gtest/gtest.h>

namespace custos {
namespace {

TEST(Url, DecodesPercentAndPlus) {
  EXPECT_EQ(*url_decode("%E4%BF%9D%E5%8D%95+2026", true), "保单 2026");
  EXPECT_EQ(*url_decode("a+b", false), "a+b");
  EXPECT_EQ(*url_decode("%2b%2B", false), "++");
}

TEST(Url, RejectsBadEscapes) {
  for (const char* bad : {"%", "%4", "%G0", "%-1", "%+1", "abc%"}) {
    EXPECT_EQ(url_decode(bad, true).error().code, ErrorCode::invalid_argument) << bad;
  }
}

TEST(Url, ParsesQueries) {
  auto q = parse_query("title=%E4%BF%9D&level=secret&&flag&level=top_secret");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("title"), "保");
  EXPECT_EQ(q->at("level"), "top_secret") << "a later duplicate wins";
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(parse_query("a=%zz").error().code, ErrorCode::invalid_argument);
}

TEST(Url, QueriesMustBeUtf8OnceDecoded) {
  // A title cut inside a character, a lone continuation byte, an overlong
  // '/', in a value or in a key: each refused, as JSON refuses them.
  for (const char* bad : {"title=%E4%BF", "title=%80", "title=%C0%AF", "%FF=1", "a=1&b=%E4%BF%9D%E5x"}) {
    auto q = parse_query(bad);
    ASSERT_FALSE(q) << bad;
    EXPECT_EQ(q.error().code, ErrorCode::invalid_argument) << bad;
  }
  EXPECT_TRUE(parse_query("title=%E4%BF%9D%E5%8D%95&x=%F0%9F%94%92"));
}

TEST(Url, PathsAreDecodedToText) {
  auto path = decode_path("/api/v1/policies/current/bundles/%E7%90%86%E8%B5%94");
  ASSERT_TRUE(path) << path.error().describe();
  EXPECT_EQ(*path, "/api/v1/policies/current/bundles/理赔");
  EXPECT_EQ(*decode_path("/api/v1/users/a+b"), "/api/v1/users/a+b");  // '+' is a space only in queries
  // Raw bytes that are no UTF-8, an encoded one, a control character, an
  // encoded '/' and a cut escape: each refused.
  for (const char* bad : {"/api/v1/agents/agent-\xff\xff", "/api/v1/agents/%FF", "/api/v1/users/a%0Ab",
                          "/api/v1/users/a%1B[2J", "/api/v1/users/a%2Fb", "/api/v1/users/a%2f..", "/api/v1/users/%E5%BC"}) {
    auto refused = decode_path(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument) << bad;
  }
}

TEST(Url, EncodeRoundTrips) {
  const std::string text = "保单 清单/2026?&=+%";
  EXPECT_EQ(url_encode("a-b_c.d~"), "a-b_c.d~");
  EXPECT_EQ(*url_decode(url_encode(text), false), text);
}

}  // namespace
}  // namespace custos
