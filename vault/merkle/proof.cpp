#include "custos/merkle/proof.hpp"

#include <bit>

namespace custos::merkle {

// Closed forms rather than walking the tree: the verifier checks a proof's
// length before hashing anything, and does so without allocating.

// Below the level where the paths to `leaf_index` and to the last leaf part,
// every level contributes a sibling; above it, the path runs along the right
// edge and only left siblings (the set bits of the index above that level)
// appear (the "inner" and "border" parts of the proof).
std::size_t inclusion_proof_length(std::uint64_t leaf_index, std::uint64_t tree_size) {
  if (leaf_index >= tree_size) return 0;
  const int inner = std::bit_width(leaf_index ^ (tree_size - 1));
  const int border = std::popcount(leaf_index >> inner);
  return static_cast<std::size_t>(inner + border);
}

// The proof for old_size is the inclusion-style path of node (old_size - 1)
// from the level of old_size's lowest set bit upwards, plus the starting node
// itself unless old_size is a power of two (then the old root is the start).
std::size_t consistency_proof_length(std::uint64_t old_size, std::uint64_t new_size) {
  if (old_size == 0 || old_size >= new_size) return 0;
  const int shift = std::countr_zero(old_size);
  const std::uint64_t index = (old_size - 1) >> shift;
  const std::uint64_t last = (new_size - 1) >> shift;
  const int inner = std::bit_width(index ^ last);
  const int border = std::popcount(index >> inner);
  const int start = std::has_single_bit(old_size) ? 0 : 1;
  return static_cast<std::size_t>(inner + border + start);
}

}  // namespace custos::merkle
