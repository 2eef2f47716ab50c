// HashSource: where proof generation reads the tree's hashes from.
//
// The tree is addressed by *perfect subtrees*: `Subtree{level, index}` covers
// the 2^level leaves [index·2^level, (index+1)·2^level); level 0 is a single
// leaf's hash. Once a perfect subtree is complete its hash never changes, so
// a store can keep every such hash as the log grows (CompactRange reports each
// one as it is completed, see compact_range.hpp) and answer any proof with
// one indexed lookup per subtree.
//
// Every proof or root over a tree of n leaves needs O(log n) perfect subtrees.
// The prover first works out the whole list (pure arithmetic), then asks the
// source once, so a SQL store can answer one proof with one query
// (`WHERE (level, idx) IN (…)`), and a remote source with one round trip.
//
// A store that keeps only leaf hashes can still implement this interface by
// folding 2^level leaf hashes per subtree; it is correct, just slower.
//
// Thread-safety: set by each implementation; the prover calls one source from
// one thread at a time.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "custos/merkle/hash.hpp"
#include "custos/platform/error.hpp"

namespace custos::merkle {

// A perfect (complete, power-of-two sized) subtree of the log's tree.
struct Subtree {
  std::uint8_t level = 0;   // height: the subtree holds 2^level leaves
  std::uint64_t index = 0;  // position among the subtrees of this level, left to right

  std::uint64_t begin() const noexcept { return index << level; }       // first leaf
  std::uint64_t end() const noexcept { return (index + 1) << level; }   // one past the last leaf
  friend bool operator==(const Subtree&, const Subtree&) = default;
};

class HashSource {
 public:
  virtual ~HashSource() = default;

  // The hashes of `wanted`, in the same order. The prover only asks for
  // subtrees that lie wholly inside the tree size it was given, so a source
  // holding at least that many leaves can answer every request; a subtree
  // the source does not have is `not_found`. Storage errors (io, corrupt,
  // unavailable) pass through to the prover's caller unchanged.
  virtual Result<std::vector<Hash>> subtree_hashes(std::span<const Subtree> wanted) = 0;
};

}  // namespace custos::merkle
