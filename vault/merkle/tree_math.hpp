// Internal: the shape arithmetic of RFC 9162 trees — where a tree splits, which
// node ranges a proof is made of, and how a node range breaks into perfect
// subtrees. No hashing here; prover, verifier and MemoryTree share it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "custos/merkle/hash.hpp"
#include "custos/merkle/hash_source.hpp"

namespace custos::merkle::detail {

// Tree sizes are kept below 2^63 so that `1 << level` never overflows.
inline constexpr std::uint64_t kMaxTreeSize = std::uint64_t{1} << 62;

// A node of a tree: leaves [begin, end). Either a perfect subtree or a node
// on the tree's right edge (end == tree size).
struct NodeRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  friend bool operator==(const NodeRange&, const NodeRange&) = default;
};

// The largest power of two strictly smaller than n (n >= 2): where MTH splits.
std::uint64_t split_point(std::uint64_t n);

// The nodes whose hashes form the inclusion proof of leaf `index` in a tree of
// `size` leaves, in proof order (leaf level first). Requires index < size.
std::vector<NodeRange> inclusion_nodes(std::uint64_t index, std::uint64_t size);

// The nodes of the consistency proof from `old_size` to `new_size`, in proof
// order. Requires 0 < old_size < new_size (other cases have empty proofs).
std::vector<NodeRange> consistency_nodes(std::uint64_t old_size, std::uint64_t new_size);

// Appends the perfect subtrees that make up `node`, left to right.
void decompose(NodeRange node, std::vector<Subtree>& out);

// The hash of a node from the hashes of its perfect subtrees (left to right).
// Folds right to left, which is exactly MTH for a right-edge node.
Hash fold_subtrees(std::span<const Hash> subtrees);

}  // namespace custos::merkle::detail
