#include "custos/platform/signing.hpp"

#include <gtest/gtest.h>

namespace custos {
namespace {

TEST(Signing, SignVerify) {
  const auto key = SigningKey::generate();
  const auto sig = key.sign(as_bytes("tree head"));
  EXPECT_TRUE(key.public_key().verify(as_bytes("tree head"), sig));
  EXPECT_EQ(key.public_key().verify(as_bytes("tree hea"), sig).error().code, ErrorCode::crypto);
  auto altered = sig;
  altered[10] ^= 1;
  EXPECT_EQ(key.public_key().verify(as_bytes("tree head"), altered).error().code, ErrorCode::crypto);
  EXPECT_EQ(SigningKey::generate().public_key().verify(as_bytes("tree head"), sig).error().code,
            ErrorCode::crypto);
}

TEST(Signing, SeedReproducesKey) {
  const auto key = SigningKey::generate();
  const auto again = SigningKey::from_seed(key.seed());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->public_key(), key.public_key());
}

TEST(Signing, PublicKeyTextRoundTrip) {
  const auto key = SigningKey::generate();
  const auto text = key.public_key().to_string();
  EXPECT_TRUE(text.starts_with("ed25519:"));
  EXPECT_EQ(*PublicKey::parse(text + "\n"), key.public_key());
  EXPECT_EQ(PublicKey::parse("rsa:abc").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(PublicKey::parse("ed25519:!!").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(PublicKey::parse("ed25519:YWJj").error().code, ErrorCode::invalid_argument);
}

TEST(Signing, SeedMustBe32Bytes) {
  EXPECT_EQ(SigningKey::from_seed(Secret::random(31)).error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace custos
