#include "custos/merkle/memory_tree.hpp"

#include <string>

#include "tree_math.hpp"

namespace custos::merkle {

// The same binary carry as CompactRange::push, but nothing is dropped: each
// completed subtree's hash is kept at its level.
void MemoryTree::append(const Hash& leaf) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf);
  for (std::size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    const auto& row = levels_[level];
    const Hash parent = node_hash(row[row.size() - 2], row[row.size() - 1]);
    if (levels_.size() == level + 1) levels_.emplace_back();
    levels_[level + 1].push_back(parent);
  }
}

Result<Hash> MemoryTree::subtree_hash(const Subtree& subtree) const {
  if (subtree.level >= levels_.size() || subtree.index >= levels_[subtree.level].size()) {
    return fail(ErrorCode::not_found, "subtree at level " + std::to_string(subtree.level) + " index " +
                                          std::to_string(subtree.index) + " is not complete in a tree of " +
                                          std::to_string(size()) + " leaves");
  }
  return levels_[subtree.level][subtree.index];
}

Result<Hash> MemoryTree::root_at(std::uint64_t tree_size) const {
  if (tree_size > size()) {
    return fail(ErrorCode::invalid_argument, "the tree has " + std::to_string(size()) + " leaves, not " +
                                                 std::to_string(tree_size));
  }
  std::vector<Subtree> parts;
  detail::decompose({0, tree_size}, parts);
  std::vector<Hash> hashes;
  hashes.reserve(parts.size());
  for (const auto& part : parts) hashes.push_back(levels_[part.level][part.index]);
  return detail::fold_subtrees(hashes);
}

Hash MemoryTree::root() const { return *root_at(size()); }

Result<std::vector<Hash>> MemoryTree::subtree_hashes(std::span<const Subtree> wanted) {
  std::vector<Hash> out;
  out.reserve(wanted.size());
  for (const auto& subtree : wanted) {
    auto hash = subtree_hash(subtree);
    if (!hash) return fail(std::move(hash).error());
    out.push_back(*hash);
  }
  return out;
}

}  // namespace custos::merkle
