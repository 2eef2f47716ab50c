#include "tree_math.hpp"

#include <gtest/gtest.h>

#include "custos/merkle/proof.hpp"

namespace custos::merkle::detail {
namespace {

TEST(MerkleTreeMath, SplitPointIsTheLargestPowerOfTwoBelow) {
  EXPECT_EQ(split_point(2), 1u);
  EXPECT_EQ(split_point(3), 2u);
  EXPECT_EQ(split_point(7), 4u);
  EXPECT_EQ(split_point(8), 4u);
  EXPECT_EQ(split_point(9), 8u);
  EXPECT_EQ(split_point(63), 32u);
  EXPECT_EQ(split_point(28937), 16384u);
}

TEST(MerkleTreeMath, DecomposeARightEdgeNode) {
  std::vector<Subtree> parts;
  decompose({0, 7}, parts);
  EXPECT_EQ(parts, (std::vector<Subtree>{{2, 0}, {1, 2}, {0, 6}}));
  parts.clear();
  decompose({8, 13}, parts);
  EXPECT_EQ(parts, (std::vector<Subtree>{{2, 2}, {0, 12}}));
  parts.clear();
  decompose({16, 32}, parts);
  EXPECT_EQ(parts, (std::vector<Subtree>{{4, 1}}));
}

TEST(MerkleTreeMath, InclusionNodesOfTheRfcExample) {
  // RFC 9162 §2.1.5's 7-leaf tree: the path of d0 is b, h, l; of d3 c, g, l; of d4 f, j, k.
  EXPECT_EQ(inclusion_nodes(0, 7), (std::vector<NodeRange>{{1, 2}, {2, 4}, {4, 7}}));
  EXPECT_EQ(inclusion_nodes(3, 7), (std::vector<NodeRange>{{2, 3}, {0, 2}, {4, 7}}));
  EXPECT_EQ(inclusion_nodes(4, 7), (std::vector<NodeRange>{{5, 6}, {6, 7}, {0, 4}}));
  EXPECT_EQ(inclusion_nodes(6, 7), (std::vector<NodeRange>{{4, 6}, {0, 4}}));
}

TEST(MerkleTreeMath, ConsistencyNodesOfTheRfcExample) {
  // RFC 9162 §2.1.5: hash0 -> hash: c, d, g, l; hash1 -> hash: l; hash2 -> hash: i, j, k.
  EXPECT_EQ(consistency_nodes(3, 7), (std::vector<NodeRange>{{2, 3}, {3, 4}, {0, 2}, {4, 7}}));
  EXPECT_EQ(consistency_nodes(4, 7), (std::vector<NodeRange>{{4, 7}}));
  EXPECT_EQ(consistency_nodes(6, 7), (std::vector<NodeRange>{{4, 6}, {6, 7}, {0, 4}}));
}

TEST(MerkleTreeMath, ClosedFormLengthsMatchTheWalks) {
  for (std::uint64_t n = 1; n <= 300; ++n) {
    for (std::uint64_t m = 0; m < n; ++m) {
      ASSERT_EQ(inclusion_proof_length(m, n), inclusion_nodes(m, n).size()) << m << " of " << n;
      if (m > 0) {
        ASSERT_EQ(consistency_proof_length(m, n), consistency_nodes(m, n).size()) << m << " to " << n;
      }
    }
    EXPECT_EQ(inclusion_proof_length(n, n), 0u);
    EXPECT_EQ(consistency_proof_length(0, n), 0u);
    EXPECT_EQ(consistency_proof_length(n, n), 0u);
    EXPECT_EQ(consistency_proof_length(n + 1, n), 0u);
  }
  // Far beyond the tested trees, the length stays the tree's height or less.
  const std::uint64_t big = 100'000'000;
  EXPECT_EQ(inclusion_proof_length(12'345'678, big), inclusion_nodes(12'345'678, big).size());
  EXPECT_EQ(consistency_proof_length(77'777'777, big), consistency_nodes(77'777'777, big).size());
  EXPECT_LE(inclusion_proof_length(big - 1, big), 27u);
}

}  // namespace
}  // namespace custos::merkle::detail
