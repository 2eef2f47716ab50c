#include "custos/platform/aead.hpp"

#include <gtest/gtest.h>

namespace custos {
namespace {

TEST(Aead, RoundTrip) {
  const auto key = Secret::random(aead::kKeySize);
  const auto sealed = aead::seal(key, as_bytes("data key"), as_bytes("doc:1|v1|secret"));
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->size(), 8 + aead::kOverhead);
  const auto opened = aead::open(key, *sealed, as_bytes("doc:1|v1|secret"));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->unsafe_view(), "data key");
}

TEST(Aead, FailsClosed) {
  const auto key = Secret::random(aead::kKeySize);
  auto sealed = *aead::seal(key, as_bytes("data key"), as_bytes("ad"));
  EXPECT_EQ(aead::open(Secret::random(aead::kKeySize), sealed, as_bytes("ad")).error().code, ErrorCode::crypto);
  EXPECT_EQ(aead::open(key, sealed, as_bytes("other ad")).error().code, ErrorCode::crypto);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    auto altered = sealed;
    altered[i] ^= 0x01;
    EXPECT_EQ(aead::open(key, altered, as_bytes("ad")).error().code, ErrorCode::crypto) << "byte " << i;
  }
  sealed.pop_back();
  EXPECT_EQ(aead::open(key, sealed, as_bytes("ad")).error().code, ErrorCode::crypto);
  EXPECT_EQ(aead::open(key, Bytes(10), as_bytes("ad")).error().code, ErrorCode::crypto);
}

TEST(Aead, RejectsWrongKeySize) {
  EXPECT_EQ(aead::seal(Secret::random(16), as_bytes("x"), {}).error().code, ErrorCode::crypto);
}

}  // namespace
}  // namespace custos
