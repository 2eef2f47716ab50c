#include "custos/merkle/prover.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "custos/merkle/memory_tree.hpp"
#include "test_support.hpp"

namespace custos::merkle {
namespace {

using testing::consistency_vectors;
using testing::inclusion_vectors;

MemoryTree reference_tree() {
  MemoryTree tree;
  for (const auto& entry : testing::reference_entries()) tree.append_entry(entry);
  return tree;
}

TEST(MerkleProver, InclusionProofsOfTheReferenceTree) {
  auto tree = reference_tree();
  for (const auto& v : inclusion_vectors()) {
    auto proof = prove_inclusion(tree, v.index, v.size);
    ASSERT_TRUE(proof.has_value()) << proof.error().describe();
    EXPECT_EQ(proof->leaf_index, v.index);
    EXPECT_EQ(proof->tree_size, v.size);
    EXPECT_EQ(proof->path, v.path) << "leaf " << v.index << " of " << v.size;
  }
}

TEST(MerkleProver, ConsistencyProofsOfTheReferenceTree) {
  auto tree = reference_tree();
  for (const auto& v : consistency_vectors()) {
    auto proof = prove_consistency(tree, v.old_size, v.new_size);
    ASSERT_TRUE(proof.has_value()) << proof.error().describe();
    EXPECT_EQ(proof->path, v.path) << v.old_size << " to " << v.new_size;
  }
}

TEST(MerkleProver, RootsOfTheReferenceTree) {
  auto tree = reference_tree();
  const auto roots = testing::reference_roots();
  for (std::uint64_t size = 0; size <= 8; ++size) EXPECT_EQ(root_at(tree, size), roots[size]) << size;
}

TEST(MerkleProver, RefusesImpossibleSizes) {
  auto tree = reference_tree();
  auto outside = prove_inclusion(tree, 8, 8);
  ASSERT_FALSE(outside.has_value());
  EXPECT_EQ(outside.error().code, ErrorCode::invalid_argument);
  auto empty = prove_inclusion(tree, 0, 0);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
  auto backwards = prove_consistency(tree, 5, 4);
  ASSERT_FALSE(backwards.has_value());
  EXPECT_EQ(backwards.error().code, ErrorCode::invalid_argument);
  auto huge = root_at(tree, std::uint64_t{1} << 63);
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().code, ErrorCode::invalid_argument);
  // Beyond what the source holds: the source's own answer.
  auto beyond = prove_inclusion(tree, 3, 9);
  ASSERT_FALSE(beyond.has_value());
  EXPECT_EQ(beyond.error().code, ErrorCode::not_found);
}

TEST(MerkleProver, TrivialConsistencyProofsAreEmpty) {
  auto tree = reference_tree();
  for (std::uint64_t size = 0; size <= 8; ++size) {
    auto from_empty = prove_consistency(tree, 0, size);
    ASSERT_TRUE(from_empty.has_value());
    EXPECT_TRUE(from_empty->path.empty());
    auto same = prove_consistency(tree, size, size);
    ASSERT_TRUE(same.has_value());
    EXPECT_TRUE(same->path.empty());
  }
}

// Counts requests and can fail them, in front of a real tree.
class ProbingSource final : public HashSource {
 public:
  explicit ProbingSource(MemoryTree& tree) : tree_(tree) {}
  Result<std::vector<Hash>> subtree_hashes(std::span<const Subtree> wanted) override {
    ++calls;
    asked += wanted.size();
    if (failure) return fail(*failure);
    auto got = tree_.subtree_hashes(wanted);
    if (got && drop_one) got->pop_back();
    return got;
  }
  int calls = 0;
  std::size_t asked = 0;
  std::optional<Error> failure;
  bool drop_one = false;

 private:
  MemoryTree& tree_;
};

TEST(MerkleProver, OneRequestPerProofAndFewSubtrees) {
  MemoryTree tree;
  for (const auto& entry : testing::random_entries(1000, 8)) tree.append_entry(entry);
  ProbingSource source(tree);
  ASSERT_TRUE(prove_inclusion(source, 999, 1000).has_value());
  ASSERT_TRUE(prove_consistency(source, 377, 1000).has_value());
  ASSERT_TRUE(root_at(source, 1000).has_value());
  EXPECT_EQ(source.calls, 3);
  // log2(1000) ~ 10: each proof needs about that many perfect subtrees.
  EXPECT_LE(source.asked, 3u * 2 * 10);
}

TEST(MerkleProver, SourceErrorsPassThrough) {
  auto tree = reference_tree();
  ProbingSource source(tree);
  source.failure = Error{ErrorCode::io, "disk on fire"};
  auto proof = prove_inclusion(source, 2, 7);
  ASSERT_FALSE(proof.has_value());
  EXPECT_EQ(proof.error().code, ErrorCode::io);
  auto consistency = prove_consistency(source, 3, 7);
  ASSERT_FALSE(consistency.has_value());
  EXPECT_EQ(consistency.error().code, ErrorCode::io);
}

TEST(MerkleProver, ASourceAnsweringTheWrongCountIsAnInternalError) {
  auto tree = reference_tree();
  ProbingSource source(tree);
  source.drop_one = true;
  auto proof = prove_inclusion(source, 2, 7);
  ASSERT_FALSE(proof.has_value());
  EXPECT_EQ(proof.error().code, ErrorCode::internal);
}

}  // namespace
}  // namespace custos::merkle
