// Offline proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2): what the
// `custos` command runs with nothing but a proof, the hashes it connects and,
// for signed heads, the vault's public key (tree_head.hpp).
//
// Every refusal is an Error whose code says what kind of refusal it is; the
// message is for people:
//   invalid_argument  the claim or the proof is malformed: a leaf index not
//                     below the tree size, an old size above the new size, or
//                     a proof with the wrong number of hashes for its sizes;
//   corrupt           the proof is well formed but the hashes do not lead to
//                     the given root(s): the entry, the proof or a root was
//                     altered, or the two trees are not one growing log.
// No I/O; nothing is allocated unless a proof is refused.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>

#include "custos/merkle/hash.hpp"
#include "custos/merkle/proof.hpp"
#include "custos/platform/error.hpp"

namespace custos::merkle {

// The root that `path` leads to from `leaf_hash` at `leaf_index` in a tree of
// `tree_size` leaves. Only invalid_argument errors: the result still has to be
// compared with a trusted root (verify_inclusion does that).
Result<Hash> root_from_inclusion_proof(const Hash& leaf_hash, std::uint64_t leaf_index,
                                       std::uint64_t tree_size, std::span<const Hash> path);

// Ok when `path` proves that `leaf_hash` is leaf `leaf_index` of the tree of
// `tree_size` leaves whose root is `root`.
Result<void> verify_inclusion(const Hash& leaf_hash, std::uint64_t leaf_index, std::uint64_t tree_size,
                              std::span<const Hash> path, const Hash& root);
Result<void> verify_inclusion(const Hash& leaf_hash, const InclusionProof& proof, const Hash& root);

// Ok when `path` proves that the tree of `old_size` leaves with root
// `old_root` is a prefix of the tree of `new_size` leaves with root
// `new_root`. Equal sizes need an empty path and equal roots; old_size 0
// needs an empty path and old_root == empty_root() (stricter than RFC 9162,
// which ignores the old root then).
Result<void> verify_consistency(std::uint64_t old_size, std::uint64_t new_size, std::span<const Hash> path,
                                const Hash& old_root, const Hash& new_root);
Result<void> verify_consistency(const ConsistencyProof& proof, const Hash& old_root, const Hash& new_root);

}  // namespace custos::merkle
