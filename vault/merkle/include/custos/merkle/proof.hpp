// The two proofs of an RFC 9162 log, as plain values.
//
// An inclusion proof shows that one leaf is at `leaf_index` in the tree of
// `tree_size` leaves whose root a signed tree head names (RFC 9162 §2.1.3).
// A consistency proof shows that the tree of `old_size` leaves is a prefix of
// the tree of `new_size` leaves: the log only grew (RFC 9162 §2.1.4).
// `path` holds the proof's node hashes in RFC order, leaf level first. How to
// make them: prover.hpp; how to check them: verifier.hpp; their byte forms:
// docs/audit-log.md.
//
// Thread-safety: plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "custos/merkle/hash.hpp"

namespace custos::merkle {

struct InclusionProof {
  std::uint64_t leaf_index = 0;
  std::uint64_t tree_size = 0;
  std::vector<Hash> path;
  friend bool operator==(const InclusionProof&, const InclusionProof&) = default;
};

struct ConsistencyProof {
  std::uint64_t old_size = 0;
  std::uint64_t new_size = 0;
  std::vector<Hash> path;
  friend bool operator==(const ConsistencyProof&, const ConsistencyProof&) = default;
};

// The number of hashes a correct inclusion proof for leaf `leaf_index` of a
// tree of `tree_size` leaves has; 0 when the index is not in the tree.
std::size_t inclusion_proof_length(std::uint64_t leaf_index, std::uint64_t tree_size);

// The number of hashes a correct consistency proof from `old_size` to
// `new_size` has: 0 when old_size is 0 or equals new_size, and 0 for the
// impossible old_size > new_size.
std::size_t consistency_proof_length(std::uint64_t old_size, std::uint64_t new_size);

}  // namespace custos::merkle
