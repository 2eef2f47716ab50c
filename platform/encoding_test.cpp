#include "custos/platform/encoding.hpp"

#include <gtest/gtest.h>

namespace custos {
namespace {

TEST(Encoding, HexRoundTrip) {
  const Bytes bytes = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(hex_encode(bytes), "0001abff");
  EXPECT_EQ(*hex_decode("0001ABff"), bytes);
}

TEST(Encoding, HexRejects) {
  EXPECT_EQ(hex_decode("abc").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(hex_decode("zz").error().code, ErrorCode::invalid_argument);
}

TEST(Encoding, Base64RoundTrip) {
  const auto bytes = Bytes{'h', 'e', 'l', 'l', 'o'};
  EXPECT_EQ(base64_encode(bytes), "aGVsbG8=");
  EXPECT_EQ(*base64_decode("aGVsbG8="), bytes);
  EXPECT_EQ(base64url_encode(Bytes{0xfb, 0xff}), "-_8");
  EXPECT_EQ(*base64url_decode("-_8"), (Bytes{0xfb, 0xff}));
}

TEST(Encoding, Base64Rejects) {
  EXPECT_EQ(base64_decode("aGVsbG8").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(base64_decode("aGV*bG8=").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(base64url_decode("a+b").error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace custos
