#include "custos/platform/hash.hpp"

#include <gtest/gtest.h>

#include "custos/platform/encoding.hpp"

namespace custos {
namespace {

TEST(Hash, Sha256KnownAnswer) {
  EXPECT_EQ(hex_encode(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hash, IncrementalMatchesOneShot) {
  Sha256 hasher;
  hasher.update(as_bytes("a"));
  hasher.update(as_bytes("bc"));
  EXPECT_EQ(hasher.finish(), sha256("abc"));
}

TEST(Hash, HmacKnownAnswer) {
  // RFC 4231 test case 2.
  const auto key = Secret::from_string("Jefe");
  EXPECT_EQ(hex_encode(hmac_sha256(key, as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace custos
