// CompactRange: the append-only accumulator of the log's tree.
//
// It holds only the roots of the perfect subtrees that the leaves so far
// decompose into ("peaks": one per set bit of the size, largest first), so it
// gives the root of the whole tree at any moment in O(log n) memory and time.
// The vault keeps one as its live tree: append each new entry's leaf hash,
// read root() when signing a head, and persist encode() beside the leaves so
// a restart restores it without rereading the log (then check its root
// against the last signed head before signing anything new).
//
// Appending completes perfect subtrees (every second leaf completes one of
// 2 leaves, every fourth one of 4, …). A SubtreeSink, when given, is told
// each one with its hash, the leaf itself included, so a store can keep them
// and later answer proofs with a few reads (see hash_source.hpp).
//
// Limits: at most 2^62 leaves.
// Thread-safety: like a std::vector — one writer, or many readers, at a time.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "custos/merkle/hash.hpp"
#include "custos/merkle/hash_source.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/error.hpp"

namespace custos::merkle {

// Told of every perfect subtree an append completes, smallest first.
class SubtreeSink {
 public:
  virtual ~SubtreeSink() = default;
  virtual void completed(const Subtree& subtree, const Hash& hash) = 0;
};

class CompactRange {
 public:
  // The empty tree.
  CompactRange();

  // A range from its parts, as kept by the vault: `peaks` must hold exactly
  // one hash per set bit of `size` (largest subtree first); invalid_argument
  // otherwise.
  static Result<CompactRange> restore(std::uint64_t size, std::vector<Hash> peaks);
  // The range of the first `size` leaves of `source`, read in one request.
  static Result<CompactRange> from_source(HashSource& source, std::uint64_t size);

  // Byte form for storage: the size as 8 bytes big-endian, then the peaks,
  // 32 bytes each, largest subtree first (docs/audit-log.md). decode() refuses
  // anything else as corrupt.
  Bytes encode() const;
  static Result<CompactRange> decode(std::span<const std::uint8_t> bytes);

  // Appends one leaf by its leaf hash (leaf_hash(entry)).
  void append(const Hash& leaf);
  void append(const Hash& leaf, SubtreeSink& sink);
  // Appends leaves in order: the same as appending one at a time.
  void append(std::span<const Hash> leaves);
  void append(std::span<const Hash> leaves, SubtreeSink& sink);
  // Hashes `entry` as a leaf and appends it.
  void append_entry(std::span<const std::uint8_t> entry) { append(leaf_hash(entry)); }

  std::uint64_t size() const noexcept { return size_; }
  // The root of the tree of size() leaves (empty_root() when empty).
  Hash root() const;
  // The perfect subtrees' roots, largest (leftmost) first.
  std::span<const Hash> peaks() const noexcept { return peaks_; }
  // The subtrees the peaks are the roots of, in the same order.
  std::vector<Subtree> peak_subtrees() const;

  friend bool operator==(const CompactRange&, const CompactRange&) = default;

 private:
  void push(const Hash& leaf, SubtreeSink* sink);

  std::uint64_t size_ = 0;
  std::vector<Hash> peaks_;
};

}  // namespace custos::merkle
