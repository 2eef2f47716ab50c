#include "tree_math.hpp"

#include <algorithm>
#include <bit>

namespace custos::merkle::detail {

std::uint64_t split_point(std::uint64_t n) { return std::bit_floor(n - 1); }

// Both walks go from the root down, recording the sibling of the branch
// taken, then reverse: RFC 9162 lists proofs from the leaf level upwards.
std::vector<NodeRange> inclusion_nodes(std::uint64_t index, std::uint64_t size) {
  std::vector<NodeRange> nodes;
  std::uint64_t begin = 0;
  std::uint64_t end = size;
  while (end - begin > 1) {
    const std::uint64_t mid = begin + split_point(end - begin);
    if (index < mid) {
      nodes.push_back({mid, end});
      end = mid;
    } else {
      nodes.push_back({begin, mid});
      begin = mid;
    }
  }
  std::reverse(nodes.begin(), nodes.end());
  return nodes;
}

// SUBPROOF(m, D[begin:end], have_root) of RFC 9162 §2.1.4.1, unrolled; `m`
// stays an absolute leaf count. `have_root` turns false once the walk enters
// a right subtree: from then on the old tree's root is not the verifier's
// starting point and the node where the walk ends must be sent.
std::vector<NodeRange> consistency_nodes(std::uint64_t old_size, std::uint64_t new_size) {
  std::vector<NodeRange> nodes;
  std::uint64_t begin = 0;
  std::uint64_t end = new_size;
  bool have_root = true;
  while (old_size != end) {
    const std::uint64_t mid = begin + split_point(end - begin);
    if (old_size <= mid) {
      nodes.push_back({mid, end});
      end = mid;
    } else {
      nodes.push_back({begin, mid});
      begin = mid;
      have_root = false;
    }
  }
  if (!have_root) nodes.push_back({begin, end});
  std::reverse(nodes.begin(), nodes.end());
  return nodes;
}

// The largest aligned power-of-two block that starts at `begin` and fits:
// for a node of the tree that is its left child's span, so the pieces come
// out in MTH's own split order.
void decompose(NodeRange node, std::vector<Subtree>& out) {
  std::uint64_t at = node.begin;
  while (at < node.end) {
    const int fits = std::bit_width(node.end - at) - 1;
    const int aligned = at == 0 ? 63 : std::countr_zero(at);
    const int level = std::min(fits, aligned);
    out.push_back({static_cast<std::uint8_t>(level), at >> level});
    at += std::uint64_t{1} << level;
  }
}

Hash fold_subtrees(std::span<const Hash> subtrees) {
  if (subtrees.empty()) return empty_root();
  Hash acc = subtrees.back();
  for (std::size_t i = subtrees.size() - 1; i-- > 0;) acc = node_hash(subtrees[i], acc);
  return acc;
}

}  // namespace custos::merkle::detail
