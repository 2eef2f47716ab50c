// Properties of proofs over every tree of up to 64 entries: every proof the
// prover makes verifies, and every single change to it — a byte of a hash, the
// leaf, the index, a size, a root — is refused with the code that kind of
// change calls for. Trees of up to 16 entries get every change; larger ones a
// seeded random sample of bytes, indices and sizes (plus the neighbours and
// the doubled and halved sizes), which keeps the sanitizer build fast.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "custos/merkle/memory_tree.hpp"
#include "custos/merkle/prover.hpp"
#include "custos/merkle/verifier.hpp"
#include "test_support.hpp"

namespace custos::merkle {
namespace {

constexpr std::uint64_t kMaxSize = 64;
constexpr std::uint64_t kExhaustiveUpTo = 16;

// The values in [0, limit] to try as a wrong claim about `n`: all of them for
// small trees, else the near and far misses and a few random ones.
std::set<std::uint64_t> claims(std::uint64_t n, std::uint64_t actual, std::uint64_t limit, std::mt19937& rng) {
  std::set<std::uint64_t> out;
  if (n <= kExhaustiveUpTo) {
    for (std::uint64_t v = 0; v <= limit; ++v) out.insert(v);
  } else {
    for (std::uint64_t v : {actual - 1, actual + 1, actual * 2, actual / 2, actual ^ 2, std::uint64_t{0}, limit}) {
      if (v <= limit) out.insert(v);
    }
    for (int i = 0; i < 6; ++i) out.insert(rng() % (limit + 1));
  }
  out.erase(actual);
  return out;
}

// The bytes of a 32-byte hash to alter: all of them for small trees, else four.
std::set<std::size_t> bytes_to_alter(std::uint64_t n, std::mt19937& rng) {
  std::set<std::size_t> out;
  for (std::size_t i = 0; i < 32; ++i) {
    if (n <= kExhaustiveUpTo || out.size() < 4) out.insert(n <= kExhaustiveUpTo ? i : rng() % 32);
  }
  return out;
}

// A random non-zero mask: any change of a byte, not only one bit.
std::uint8_t mask(std::mt19937& rng) { return static_cast<std::uint8_t>(1 + rng() % 255); }

class MerkleProofProperties : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tree_ = new MemoryTree();
    for (const auto& entry : testing::random_entries(kMaxSize + 1, 42)) tree_->append_entry(entry);
    roots_ = new std::vector<Hash>();
    for (std::uint64_t size = 0; size <= kMaxSize + 1; ++size) roots_->push_back(*tree_->root_at(size));
  }
  static void TearDownTestSuite() {
    delete tree_;
    tree_ = nullptr;
    delete roots_;
    roots_ = nullptr;
  }
  static const Hash& root(std::uint64_t size) { return roots_->at(size); }
  static Hash leaf(std::uint64_t index) { return *tree_->subtree_hash({0, index}); }
  static MemoryTree* tree_;
  static std::vector<Hash>* roots_;
};
MemoryTree* MerkleProofProperties::tree_ = nullptr;
std::vector<Hash>* MerkleProofProperties::roots_ = nullptr;

// A proof claimed for the wrong index or size is malformed when its length
// does not fit the claim, and otherwise leads to a different root.
ErrorCode expected_for_wrong_claim(std::size_t path_size, std::size_t length_for_claim) {
  return path_size == length_for_claim ? ErrorCode::corrupt : ErrorCode::invalid_argument;
}

TEST_F(MerkleProofProperties, EveryInclusionProofVerifiesAndEveryChangeIsRefused) {
  std::mt19937 rng(1);
  std::size_t refusals = 0;
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash r = root(n);
    for (std::uint64_t m = 0; m < n; ++m) {
      auto proof = prove_inclusion(*tree_, m, n);
      ASSERT_TRUE(proof.has_value()) << proof.error().describe();
      ASSERT_EQ(proof->path.size(), inclusion_proof_length(m, n));
      ASSERT_TRUE(verify_inclusion(leaf(m), *proof, r).has_value()) << m << " of " << n;

      // Any altered byte of any hash of the path.
      for (std::size_t h = 0; h < proof->path.size(); ++h) {
        for (std::size_t byte : bytes_to_alter(n, rng)) {
          auto altered = proof->path;
          altered[h][byte] ^= mask(rng);
          auto result = verify_inclusion(leaf(m), m, n, altered, r);
          ASSERT_FALSE(result.has_value()) << m << " of " << n << " hash " << h << " byte " << byte;
          ASSERT_EQ(result.error().code, ErrorCode::corrupt);
          ++refusals;
        }
      }
      // Any other leaf hash, root or index.
      auto wrong_leaf = verify_inclusion(leaf(m == 0 ? 1 : m - 1), *proof, r);
      ASSERT_FALSE(wrong_leaf.has_value());
      ASSERT_EQ(wrong_leaf.error().code, ErrorCode::corrupt);
      auto wrong_root = verify_inclusion(leaf(m), *proof, root(n + 1));
      ASSERT_FALSE(wrong_root.has_value());
      ASSERT_EQ(wrong_root.error().code, ErrorCode::corrupt);
      for (std::uint64_t other : claims(n, m, n, rng)) {
        auto result = verify_inclusion(leaf(m), other, n, proof->path, r);
        ASSERT_FALSE(result.has_value()) << "index " << other << " for " << m << " of " << n;
        const ErrorCode want = other >= n ? ErrorCode::invalid_argument
                                          : expected_for_wrong_claim(proof->path.size(),
                                                                     inclusion_proof_length(other, n));
        ASSERT_EQ(result.error().code, want) << "index " << other << " for " << m << " of " << n;
        ++refusals;
      }
      // Any other tree size, claimed with that size's own root (as a signed
      // head would name them: a root alone does not fix a tree size).
      for (std::uint64_t other : claims(n, n, kMaxSize, rng)) {
        auto result = verify_inclusion(leaf(m), m, other, proof->path, root(other));
        ASSERT_FALSE(result.has_value()) << "size " << other << " for " << m << " of " << n;
        const ErrorCode want = m >= other ? ErrorCode::invalid_argument
                                          : expected_for_wrong_claim(proof->path.size(),
                                                                     inclusion_proof_length(m, other));
        ASSERT_EQ(result.error().code, want) << "size " << other << " for " << m << " of " << n;
        ++refusals;
      }
    }
  }
  EXPECT_GT(refusals, 50'000u);
}

TEST_F(MerkleProofProperties, EveryConsistencyProofVerifiesAndEveryChangeIsRefused) {
  std::mt19937 rng(2);
  std::size_t refusals = 0;
  for (std::uint64_t n = 0; n <= kMaxSize; ++n) {
    const Hash new_root = root(n);
    for (std::uint64_t m = 0; m <= n; ++m) {
      const Hash old_root = root(m);
      auto proof = prove_consistency(*tree_, m, n);
      ASSERT_TRUE(proof.has_value()) << proof.error().describe();
      ASSERT_EQ(proof->path.size(), consistency_proof_length(m, n));
      ASSERT_TRUE(verify_consistency(*proof, old_root, new_root).has_value()) << m << " to " << n;

      for (std::size_t h = 0; h < proof->path.size(); ++h) {
        for (std::size_t byte : bytes_to_alter(n, rng)) {
          auto altered = proof->path;
          altered[h][byte] ^= mask(rng);
          auto result = verify_consistency(m, n, altered, old_root, new_root);
          ASSERT_FALSE(result.has_value()) << m << " to " << n << " hash " << h << " byte " << byte;
          ASSERT_EQ(result.error().code, ErrorCode::corrupt);
          ++refusals;
        }
      }
      // Roots of other sizes in place of either root (a different tree).
      for (std::uint64_t other : claims(n, kMaxSize + 2, kMaxSize + 1, rng)) {
        if (other != m) {
          auto result = verify_consistency(m, n, proof->path, root(other), new_root);
          ASSERT_FALSE(result.has_value()) << "old root of " << other << " for " << m << " to " << n;
          ASSERT_EQ(result.error().code, ErrorCode::corrupt);
          ++refusals;
        }
        if (other != n && m != 0) {
          auto result = verify_consistency(m, n, proof->path, old_root, root(other));
          ASSERT_FALSE(result.has_value()) << "new root of " << other << " for " << m << " to " << n;
          ASSERT_EQ(result.error().code, ErrorCode::corrupt);
          ++refusals;
        }
      }
      // Another old size claimed, with that size's own root. (Claiming the
      // empty log, or an equal size with an equal root, is true of any log.)
      for (std::uint64_t other : claims(n, m, kMaxSize + 1, rng)) {
        if (proof->path.empty() && (other == 0 || other == n)) continue;
        auto result = verify_consistency(other, n, proof->path, root(other), new_root);
        ASSERT_FALSE(result.has_value()) << "old size " << other << " for " << m << " to " << n;
        const ErrorCode want = other > n ? ErrorCode::invalid_argument
                                         : expected_for_wrong_claim(proof->path.size(),
                                                                    consistency_proof_length(other, n));
        ASSERT_EQ(result.error().code, want) << "old size " << other << " for " << m << " to " << n;
        ++refusals;
      }
      // Another new size claimed, with that size's own root.
      for (std::uint64_t other : claims(n, n, kMaxSize + 1, rng)) {
        if (m == 0) continue;
        auto result = verify_consistency(m, other, proof->path, old_root, root(other));
        ASSERT_FALSE(result.has_value()) << "new size " << other << " for " << m << " to " << n;
        const ErrorCode want = other < m ? ErrorCode::invalid_argument
                                         : expected_for_wrong_claim(proof->path.size(),
                                                                    consistency_proof_length(m, other));
        ASSERT_EQ(result.error().code, want) << "new size " << other << " for " << m << " to " << n;
        ++refusals;
      }
    }
  }
  EXPECT_GT(refusals, 30'000u);
}

}  // namespace
}  // namespace custos::merkle
