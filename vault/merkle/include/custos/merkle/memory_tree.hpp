// MemoryTree: a whole log tree held in memory, every level of it.
//
// It keeps the hash of every perfect subtree (about two hashes per leaf, so
// 64 MB per million leaves) and is a HashSource, so it can answer any root or
// proof for any size up to size(). Used by the tests as the reference tree
// and to rebuild a log from an export (e.g. to serve proofs for an imported
// log, or to restore a vault's tree hashes); the vault's live log keeps its
// hashes in its store instead.
//
// Thread-safety: like a std::vector — one writer, or many readers, at a time.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "custos/merkle/hash.hpp"
#include "custos/merkle/hash_source.hpp"
#include "custos/platform/error.hpp"

namespace custos::merkle {

class MemoryTree final : public HashSource {
 public:
  MemoryTree() = default;

  // Appends one leaf by its leaf hash, or hashes `entry` as a leaf first.
  void append(const Hash& leaf);
  void append_entry(std::span<const std::uint8_t> entry) { append(leaf_hash(entry)); }

  std::uint64_t size() const noexcept { return levels_.empty() ? 0 : levels_[0].size(); }
  // The root of all leaves, or of the first `tree_size` (invalid_argument
  // beyond size()).
  Hash root() const;
  Result<Hash> root_at(std::uint64_t tree_size) const;
  // The hash of a perfect subtree, when it is complete within size().
  Result<Hash> subtree_hash(const Subtree& subtree) const;

  Result<std::vector<Hash>> subtree_hashes(std::span<const Subtree> wanted) override;

 private:
  // levels_[k][i] is the hash of Subtree{k, i}.
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace custos::merkle
