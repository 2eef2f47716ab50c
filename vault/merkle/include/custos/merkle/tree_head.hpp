// Signed tree heads: the vault's Ed25519 signature over (log id, tree size,
// root hash, timestamp), the only thing an auditor has to trust besides the
// vault's public key. Inclusion and consistency proofs are checked against
// the roots that signed heads name.
//
// The signed bytes (docs/audit-log.md, "Signed tree head"), 93 bytes:
//   "custos-sth-v1"  13 ASCII bytes, domain separation from every other thing
//                    the vault's key signs (policies, certificates)
//   log_id           32 bytes
//   tree_size        8 bytes, unsigned big-endian
//   root_hash        32 bytes
//   timestamp        8 bytes, Unix seconds, signed big-endian, never negative
// Every field has a fixed width, so the encoding is canonical: one head, one
// byte string.
//
// Refusals, by code: crypto (a signature does not verify), conflict (two
// heads of one log contradict each other: a smaller size than a head already
// seen — truncation or rollback — or two roots for one size — a fork),
// corrupt (the consistency proof between two heads does not verify),
// invalid_argument (malformed bytes or fields, heads of two different logs,
// a proof of the wrong length).
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "custos/merkle/hash.hpp"
#include "custos/merkle/proof.hpp"
#include "custos/platform/error.hpp"
#include "custos/platform/signing.hpp"
#include "custos/platform/timestamp.hpp"

namespace custos::merkle {

// Names one log. Opaque to this library; log_id_for() gives the recommended
// value, derived from the vault's public key.
using LogId = std::array<std::uint8_t, 32>;

inline constexpr std::string_view kTreeHeadDomain = "custos-sth-v1";
inline constexpr std::size_t kTreeHeadSize = 13 + 32 + 8 + 32 + 8;       // the signed bytes
inline constexpr std::size_t kSignedTreeHeadSize = kTreeHeadSize + 64;   // those, then the signature

struct TreeHead {
  LogId log_id{};
  std::uint64_t tree_size = 0;
  Hash root_hash{};
  UnixSeconds timestamp = 0;  // when the vault signed it
  friend bool operator==(const TreeHead&, const TreeHead&) = default;
};

struct SignedTreeHead {
  TreeHead head;
  Signature signature{};
  friend bool operator==(const SignedTreeHead&, const SignedTreeHead&) = default;
};

// SHA-256("custos-log-id-v1" || the 32 public key bytes).
LogId log_id_for(const PublicKey& key);

// The canonical bytes that are signed.
std::array<std::uint8_t, kTreeHeadSize> encode_tree_head(const TreeHead& head);
// Reads them back; invalid_argument unless exactly a canonical encoding.
Result<TreeHead> decode_tree_head(std::span<const std::uint8_t> bytes);

// A signed head's byte form for storage and transport: the signed bytes, then
// the 64-byte signature. decode does not check the signature.
std::array<std::uint8_t, kSignedTreeHeadSize> encode_signed_tree_head(const SignedTreeHead& signed_head);
Result<SignedTreeHead> decode_signed_tree_head(std::span<const std::uint8_t> bytes);

// Signs `head`; invalid_argument for a negative timestamp. Before signing a
// new head the vault checks it against its previous one with
// check_heads_consistent (a head is never signed that contradicts an earlier one).
Result<SignedTreeHead> sign_tree_head(const TreeHead& head, const SigningKey& key);

// Ok when `signed_head` carries `key`'s signature over its head; crypto otherwise.
Result<void> verify_tree_head(const SignedTreeHead& signed_head, const PublicKey& key);

// Ok when `newer` describes the same log as `older`, grown or unchanged:
// same log id; newer.tree_size >= older.tree_size (else conflict); at equal
// sizes equal roots (else conflict: a fork) and an empty proof; otherwise
// `consistency_path` must prove older's tree a prefix of newer's (else
// corrupt). Timestamps are not compared: a re-signed head may carry any time.
Result<void> check_heads_consistent(const TreeHead& older, const TreeHead& newer,
                                    std::span<const Hash> consistency_path);

// The same for signed heads: both signatures are verified with `key` first.
// The auditor's check of a new head against the one it saved.
Result<void> verify_head_extends(const SignedTreeHead& older, const SignedTreeHead& newer,
                                 std::span<const Hash> consistency_path, const PublicKey& key);

// The offline check of one entry (a destruction certificate): `key` signed
// `signed_head`, the proof is for that head's tree size (invalid_argument
// otherwise — a root alone does not fix a tree size, so the size must come
// from the signed head), and it leads from `leaf` to the head's root.
Result<void> verify_inclusion_in_head(const Hash& leaf, const InclusionProof& proof,
                                      const SignedTreeHead& signed_head, const PublicKey& key);

}  // namespace custos::merkle
