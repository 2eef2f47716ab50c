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

TEST(Url, EncodeRoundTrips) {
  const std::string text = "保单 清单/2026?&=+%";
  EXPECT_EQ(url_encode("a-b_c.d~"), "a-b_c.d~");
  EXPECT_EQ(*url_decode(url_encode(text), false), text);
}

}  // namespace
}  // namespace custos
