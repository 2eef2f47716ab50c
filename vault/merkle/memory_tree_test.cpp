#include "custos/merkle/memory_tree.hpp"

#include <gtest/gtest.h>

#include "custos/merkle/compact_range.hpp"
#include "test_support.hpp"

namespace custos::merkle {
namespace {

TEST(MerkleMemoryTree, RootsOfTheReferenceTree) {
  const auto entries = testing::reference_entries();
  const auto roots = testing::reference_roots();
  MemoryTree tree;
  EXPECT_EQ(tree.root(), roots[0]);
  for (const auto& entry : entries) tree.append_entry(entry);
  for (std::uint64_t size = 0; size <= 8; ++size) EXPECT_EQ(tree.root_at(size), roots[size]) << size;
}

TEST(MerkleMemoryTree, EveryPrefixRootMatchesTheCompactRange) {
  const auto entries = testing::random_entries(130, 6);
  MemoryTree tree;
  CompactRange range;
  std::vector<Hash> roots{range.root()};
  for (const auto& entry : entries) {
    tree.append_entry(entry);
    range.append_entry(entry);
    roots.push_back(range.root());
    EXPECT_EQ(tree.root(), range.root());
  }
  for (std::uint64_t size = 0; size <= entries.size(); ++size) EXPECT_EQ(tree.root_at(size), roots[size]);
}

TEST(MerkleMemoryTree, RefusesWhatItDoesNotHold) {
  MemoryTree tree;
  for (const auto& entry : testing::random_entries(5, 7)) tree.append_entry(entry);
  auto beyond = tree.root_at(6);
  ASSERT_FALSE(beyond.has_value());
  EXPECT_EQ(beyond.error().code, ErrorCode::invalid_argument);

  EXPECT_TRUE(tree.subtree_hash({2, 0}).has_value());
  for (const Subtree missing : {Subtree{2, 1}, Subtree{0, 5}, Subtree{3, 0}, Subtree{40, 0}}) {
    auto hash = tree.subtree_hash(missing);
    ASSERT_FALSE(hash.has_value());
    EXPECT_EQ(hash.error().code, ErrorCode::not_found);
  }
  const std::vector<Subtree> some_missing = {{0, 0}, {1, 2}};
  auto batch = tree.subtree_hashes(some_missing);
  ASSERT_FALSE(batch.has_value());
  EXPECT_EQ(batch.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace custos::merkle
