#include "custos/merkle/hash.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.hpp"

namespace custos::merkle {
namespace {

using testing::H;

TEST(MerkleHash, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(empty_root(), H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

TEST(MerkleHash, LeafHashesOfTheReferenceTree) {
  const auto entries = testing::reference_entries();
  const std::vector<Hash> want = {
      H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
      H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
      H("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
      H("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
      H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
      H("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
      H("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
      H("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
  };
  for (std::size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(leaf_hash(entries[i]), want[i]) << i;
}

TEST(MerkleHash, NodeHashOfTheReferenceTree) {
  EXPECT_EQ(node_hash(H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
                      H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")),
            H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"));
  EXPECT_EQ(node_hash(H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
                      H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e")),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"));
}

TEST(MerkleHash, AgreesWithPlatformSha256WithThePrefixes) {
  // The fast path must be plain SHA-256 over prefix || input.
  for (std::size_t length : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 200u, 1000u}) {
    Bytes entry(length, 0xa5);
    Bytes prefixed(1 + length, 0xa5);
    prefixed[0] = 0x00;
    EXPECT_EQ(leaf_hash(entry), sha256(prefixed)) << length;
  }
  const Hash left = sha256("left");
  const Hash right = sha256("right");
  Bytes joined(65);
  joined[0] = 0x01;
  std::copy(left.begin(), left.end(), joined.begin() + 1);
  std::copy(right.begin(), right.end(), joined.begin() + 33);
  EXPECT_EQ(node_hash(left, right), sha256(joined));
}

TEST(MerkleHash, LeafAndNodeAreDomainSeparated) {
  // 64 bytes that read as two child hashes hash differently as a leaf.
  const Hash a = sha256("a");
  const Hash b = sha256("b");
  Bytes as_leaf(a.begin(), a.end());
  as_leaf.insert(as_leaf.end(), b.begin(), b.end());
  EXPECT_NE(leaf_hash(as_leaf), node_hash(a, b));
  EXPECT_NE(node_hash(a, b), node_hash(b, a));
}

}  // namespace
}  // namespace custos::merkle
