#include "custos/merkle/verifier.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace custos::merkle {
namespace {

using testing::H;

// `first` followed by `path`. (Built by push_back: GCC 12 at -O2 warns
// falsely about vector::insert at the front.)
std::vector<Hash> prepended(const Hash& first, const std::vector<Hash>& path) {
  std::vector<Hash> out;
  out.reserve(path.size() + 1);
  out.push_back(first);
  for (const auto& hash : path) out.push_back(hash);
  return out;
}

const Hash kSomeHash = H("abacaba000000000000000000000000000000000000000000060061e00123456");

ErrorCode inclusion_code(const Hash& leaf, std::uint64_t index, std::uint64_t size, std::span<const Hash> path,
                         const Hash& root) {
  auto result = verify_inclusion(leaf, index, size, path, root);
  return result ? ErrorCode::internal : result.error().code;  // `internal` stands for "accepted"
}

ErrorCode consistency_code(std::uint64_t old_size, std::uint64_t new_size, std::span<const Hash> path,
                           const Hash& old_root, const Hash& new_root) {
  auto result = verify_consistency(old_size, new_size, path, old_root, new_root);
  return result ? ErrorCode::internal : result.error().code;
}

TEST(MerkleVerifier, ReferenceInclusionProofsVerify) {
  const auto entries = testing::reference_entries();
  const auto roots = testing::reference_roots();
  for (const auto& v : testing::inclusion_vectors()) {
    const Hash leaf = leaf_hash(entries[v.index]);
    EXPECT_TRUE(verify_inclusion(leaf, v.index, v.size, v.path, roots[v.size]).has_value())
        << v.index << " of " << v.size;
    EXPECT_EQ(root_from_inclusion_proof(leaf, v.index, v.size, v.path), roots[v.size]);
    EXPECT_TRUE(verify_inclusion(leaf, InclusionProof{v.index, v.size, v.path}, roots[v.size]).has_value());
  }
}

TEST(MerkleVerifier, ReferenceConsistencyProofsVerify) {
  const auto roots = testing::reference_roots();
  for (const auto& v : testing::consistency_vectors()) {
    EXPECT_TRUE(verify_consistency(v.old_size, v.new_size, v.path, roots[v.old_size], roots[v.new_size]))
        << v.old_size << " to " << v.new_size;
    EXPECT_TRUE(verify_consistency(ConsistencyProof{v.old_size, v.new_size, v.path}, roots[v.old_size],
                                   roots[v.new_size]));
  }
}

// The probes Certificate Transparency's verifier is tested with, each matched
// on the code it must be refused with.
TEST(MerkleVerifier, CorruptedInclusionProofsAreRefusedByKind) {
  const auto entries = testing::reference_entries();
  const auto roots = testing::reference_roots();
  for (const auto& v : testing::inclusion_vectors()) {
    if (v.path.empty()) continue;
    const Hash leaf = leaf_hash(entries[v.index]);
    const Hash& root = roots[v.size];
    SCOPED_TRACE(::testing::Message() << v.index << " of " << v.size);

    EXPECT_EQ(inclusion_code(leaf, v.index, v.size, v.path, kSomeHash), ErrorCode::corrupt);
    EXPECT_EQ(inclusion_code(leaf, v.index, v.size, v.path, empty_root()), ErrorCode::corrupt);
    EXPECT_EQ(inclusion_code(leaf_hash(as_bytes("WrongLeaf")), v.index, v.size, v.path, root), ErrorCode::corrupt);
    EXPECT_EQ(inclusion_code(leaf, v.size, v.size, v.path, root), ErrorCode::invalid_argument);
    EXPECT_EQ(inclusion_code(leaf, v.index, 0, v.path, root), ErrorCode::invalid_argument);
    for (const std::uint64_t index : {v.index - 1, v.index + 1, v.index ^ 2}) {
      if (index == v.index) continue;
      const ErrorCode code = inclusion_code(leaf, index, v.size, v.path, root);
      EXPECT_TRUE(code == ErrorCode::corrupt || code == ErrorCode::invalid_argument) << "index " << index;
    }
    for (const std::uint64_t size : {v.size * 2, v.size / 2}) {
      const ErrorCode code = inclusion_code(leaf, v.index, size, v.path, root);
      EXPECT_TRUE(code == ErrorCode::corrupt || code == ErrorCode::invalid_argument) << "size " << size;
    }
    auto longer = v.path;
    longer.push_back(root);
    EXPECT_EQ(inclusion_code(leaf, v.index, v.size, longer, root), ErrorCode::invalid_argument);
    EXPECT_EQ(inclusion_code(leaf, v.index, v.size, prepended(root, v.path), root), ErrorCode::invalid_argument);
    const std::vector<Hash> shorter(v.path.begin(), v.path.end() - 1);
    EXPECT_EQ(inclusion_code(leaf, v.index, v.size, shorter, root), ErrorCode::invalid_argument);
    for (std::size_t i = 0; i < v.path.size(); ++i) {
      auto flipped = v.path;
      flipped[i][0] ^= 8;
      EXPECT_EQ(inclusion_code(leaf, v.index, v.size, flipped, root), ErrorCode::corrupt) << "hash " << i;
    }
  }
}

TEST(MerkleVerifier, CorruptedConsistencyProofsAreRefusedByKind) {
  const auto roots = testing::reference_roots();
  for (const auto& v : testing::consistency_vectors()) {
    if (v.path.empty()) continue;
    const Hash& r1 = roots[v.old_size];
    const Hash& r2 = roots[v.new_size];
    SCOPED_TRACE(::testing::Message() << v.old_size << " to " << v.new_size);

    EXPECT_EQ(consistency_code(v.old_size, v.new_size, v.path, kSomeHash, r2), ErrorCode::corrupt);
    EXPECT_EQ(consistency_code(v.old_size, v.new_size, v.path, r1, kSomeHash), ErrorCode::corrupt);
    EXPECT_EQ(consistency_code(v.old_size, v.new_size, v.path, r2, r1), ErrorCode::corrupt);
    EXPECT_EQ(consistency_code(v.old_size, v.new_size, {}, r1, r2), ErrorCode::invalid_argument);
    EXPECT_EQ(consistency_code(v.new_size, v.old_size, v.path, r2, r1), ErrorCode::invalid_argument);
    for (const std::uint64_t old_size : {v.old_size - 1, v.old_size + 1, v.old_size ^ 2}) {
      const ErrorCode code = consistency_code(old_size, v.new_size, v.path, r1, r2);
      EXPECT_TRUE(code == ErrorCode::corrupt || code == ErrorCode::invalid_argument) << "old size " << old_size;
    }
    for (const std::uint64_t new_size : {v.new_size * 2, v.new_size / 2}) {
      const ErrorCode code = consistency_code(v.old_size, new_size, v.path, r1, r2);
      EXPECT_TRUE(code == ErrorCode::corrupt || code == ErrorCode::invalid_argument) << "new size " << new_size;
    }
    for (const Hash& extra : {Hash{}, r1, r2, v.path[0]}) {
      auto longer = v.path;
      longer.push_back(extra);
      EXPECT_EQ(consistency_code(v.old_size, v.new_size, longer, r1, r2), ErrorCode::invalid_argument);
      EXPECT_EQ(consistency_code(v.old_size, v.new_size, prepended(extra, v.path), r1, r2), ErrorCode::invalid_argument);
    }
    const std::vector<Hash> shorter(v.path.begin(), v.path.end() - 1);
    EXPECT_EQ(consistency_code(v.old_size, v.new_size, shorter, r1, r2), ErrorCode::invalid_argument);
    for (std::size_t i = 0; i < v.path.size(); ++i) {
      auto flipped = v.path;
      flipped[i][0] ^= 16;
      EXPECT_EQ(consistency_code(v.old_size, v.new_size, flipped, r1, r2), ErrorCode::corrupt) << "hash " << i;
    }
  }
}

TEST(MerkleVerifier, SingleLeafTree) {
  const Hash leaf = leaf_hash(as_bytes("data"));
  EXPECT_TRUE(verify_inclusion(leaf, 0, 1, {}, leaf).has_value());
  EXPECT_EQ(inclusion_code(leaf, 0, 1, {}, kSomeHash), ErrorCode::corrupt);
  EXPECT_EQ(inclusion_code(kSomeHash, 0, 1, {}, leaf), ErrorCode::corrupt);
  EXPECT_EQ(inclusion_code(leaf, 1, 1, {}, leaf), ErrorCode::invalid_argument);
  EXPECT_EQ(inclusion_code(leaf, 0, 0, {}, leaf), ErrorCode::invalid_argument);
}

TEST(MerkleVerifier, TrivialConsistencyCases) {
  const Hash a = sha256("a");
  const Hash b = sha256("b");
  const std::vector<Hash> one = {empty_root()};
  // The empty log is a prefix of every log, when its root really is the empty root.
  EXPECT_TRUE(verify_consistency(0, 0, {}, empty_root(), empty_root()).has_value());
  EXPECT_TRUE(verify_consistency(0, 5, {}, empty_root(), b).has_value());
  EXPECT_EQ(consistency_code(0, 5, {}, a, b), ErrorCode::corrupt);
  EXPECT_EQ(consistency_code(0, 5, one, empty_root(), b), ErrorCode::invalid_argument);
  // Equal sizes: equal roots, empty proof.
  EXPECT_TRUE(verify_consistency(3, 3, {}, a, a).has_value());
  EXPECT_EQ(consistency_code(3, 3, {}, a, b), ErrorCode::corrupt);
  EXPECT_EQ(consistency_code(3, 3, one, a, a), ErrorCode::invalid_argument);
  // Backwards in time.
  EXPECT_EQ(consistency_code(1, 0, {}, a, b), ErrorCode::invalid_argument);
  EXPECT_EQ(consistency_code(2, 1, {}, a, b), ErrorCode::invalid_argument);
  // Growth needs a proof.
  EXPECT_EQ(consistency_code(1, 2, {}, a, b), ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace custos::merkle
