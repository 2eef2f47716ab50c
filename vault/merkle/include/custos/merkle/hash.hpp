// The hashing of the audit log's Merkle tree (RFC 6962 §2.1, RFC 9162 §2.1.1).
//
//   leaf hash  = SHA-256(0x00 || leaf bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   empty root = SHA-256("")
//
// The one-byte prefixes keep a leaf from ever being mistaken for an interior
// node (second-preimage resistance). Every other part of custos::merkle hashes
// through these three functions only.
//
// Thread-safety: pure functions; no shared state, no allocation.
#pragma once

#include <cstdint>
#include <span>

#include "custos/platform/hash.hpp"

namespace custos::merkle {

// A tree hash: a leaf hash, an interior node's hash or a root. Same type as
// platform's SHA-256 digest.
using Hash = Digest;

// The hash of one leaf's entry bytes (the canonical encoding of one audit
// record; see docs/audit-log.md, "Leaf encoding").
Hash leaf_hash(std::span<const std::uint8_t> entry);

// The hash of an interior node from its two children, left first.
Hash node_hash(const Hash& left, const Hash& right);

// The root of the tree with no leaves: SHA-256 of the empty string.
Hash empty_root();

}  // namespace custos::merkle
