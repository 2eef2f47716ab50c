// Proof generation: the vault answers "prove entry i is in the log" and
// "prove the log of size m grew into the log of size n" from whatever holds
// its tree hashes (a HashSource: the SQLite store, or a MemoryTree).
//
// Each call reads the source once (one batch of O(log n) perfect subtrees),
// so a store with an index on (level, index) answers a proof with one query.
// The tree size is a parameter, not the source's current size: a proof is
// always made against a size that a signed tree head names, while the store
// may already hold later leaves (perfect subtrees never change, so the answer
// is the same).
//
// Errors: invalid_argument when the sizes are impossible (index >= size,
// old_size > new_size); anything the source reports passes through.
//
// Thread-safety: the functions keep no state; the source's own rules apply.
#pragma once

#include <cstdint>

#include "custos/merkle/hash_source.hpp"
#include "custos/merkle/proof.hpp"
#include "custos/platform/error.hpp"

namespace custos::merkle {

// The root of the first `tree_size` leaves (empty_root() for 0).
Result<Hash> root_at(HashSource& source, std::uint64_t tree_size);

// RFC 9162 §2.1.3.1: the audit path of leaf `leaf_index` in the tree of
// `tree_size` leaves.
Result<InclusionProof> prove_inclusion(HashSource& source, std::uint64_t leaf_index,
                                       std::uint64_t tree_size);

// RFC 9162 §2.1.4.1: the proof that the tree of `old_size` leaves is a prefix
// of the tree of `new_size` leaves. Empty when old_size is 0 or equals new_size.
Result<ConsistencyProof> prove_consistency(HashSource& source, std::uint64_t old_size,
                                           std::uint64_t new_size);

}  // namespace custos::merkle
