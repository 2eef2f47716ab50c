#include "custos/merkle/tree_head.hpp"

#include <algorithm>
#include <string>

#include "custos/merkle/verifier.hpp"

namespace custos::merkle {

namespace {

constexpr std::string_view kLogIdDomain = "custos-log-id-v1";

void put_u64(std::uint8_t* out, std::uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(value);
    value >>= 8;
  }
}

std::uint64_t get_u64(const std::uint8_t* in) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | in[i];
  return value;
}

}  // namespace

LogId log_id_for(const PublicKey& key) {
  Sha256 hasher;
  hasher.update(as_bytes(kLogIdDomain));
  hasher.update(key.bytes());
  return hasher.finish();
}

std::array<std::uint8_t, kTreeHeadSize> encode_tree_head(const TreeHead& head) {
  std::array<std::uint8_t, kTreeHeadSize> out{};
  auto* at = out.data();
  at = std::copy(kTreeHeadDomain.begin(), kTreeHeadDomain.end(), at);
  at = std::copy(head.log_id.begin(), head.log_id.end(), at);
  put_u64(at, head.tree_size);
  at += 8;
  at = std::copy(head.root_hash.begin(), head.root_hash.end(), at);
  // Two's complement: the same bits as the signed value, big-endian.
  put_u64(at, static_cast<std::uint64_t>(head.timestamp));
  return out;
}

Result<TreeHead> decode_tree_head(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kTreeHeadSize) {
    return fail(ErrorCode::invalid_argument, "a tree head is " + std::to_string(kTreeHeadSize) + " bytes, not " +
                                                 std::to_string(bytes.size()));
  }
  if (!std::equal(kTreeHeadDomain.begin(), kTreeHeadDomain.end(), bytes.begin())) {
    return fail(ErrorCode::invalid_argument, "these bytes are not a custos-sth-v1 tree head");
  }
  const auto* at = bytes.data() + kTreeHeadDomain.size();
  TreeHead head;
  std::copy_n(at, 32, head.log_id.begin());
  head.tree_size = get_u64(at + 32);
  std::copy_n(at + 40, 32, head.root_hash.begin());
  head.timestamp = static_cast<UnixSeconds>(get_u64(at + 72));
  if (head.timestamp < 0) return fail(ErrorCode::invalid_argument, "a tree head's timestamp is negative");
  return head;
}

std::array<std::uint8_t, kSignedTreeHeadSize> encode_signed_tree_head(const SignedTreeHead& signed_head) {
  std::array<std::uint8_t, kSignedTreeHeadSize> out{};
  const auto body = encode_tree_head(signed_head.head);
  std::copy(signed_head.signature.begin(), signed_head.signature.end(),
            std::copy(body.begin(), body.end(), out.begin()));
  return out;
}

Result<SignedTreeHead> decode_signed_tree_head(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kSignedTreeHeadSize) {
    return fail(ErrorCode::invalid_argument, "a signed tree head is " + std::to_string(kSignedTreeHeadSize) +
                                                 " bytes, not " + std::to_string(bytes.size()));
  }
  auto head = decode_tree_head(bytes.first(kTreeHeadSize));
  if (!head) return fail(std::move(head).error());
  SignedTreeHead out{*head, {}};
  std::copy_n(bytes.begin() + kTreeHeadSize, out.signature.size(), out.signature.begin());
  return out;
}

Result<SignedTreeHead> sign_tree_head(const TreeHead& head, const SigningKey& key) {
  if (head.timestamp < 0) return fail(ErrorCode::invalid_argument, "a tree head's timestamp cannot be negative");
  const auto message = encode_tree_head(head);
  return SignedTreeHead{head, key.sign(message)};
}

Result<void> verify_tree_head(const SignedTreeHead& signed_head, const PublicKey& key) {
  const auto message = encode_tree_head(signed_head.head);
  if (!key.verify(message, signed_head.signature)) {
    return fail(ErrorCode::crypto, "the tree head of size " + std::to_string(signed_head.head.tree_size) +
                                       " is not signed by this vault's key, or was altered");
  }
  return ok();
}

Result<void> check_heads_consistent(const TreeHead& older, const TreeHead& newer,
                                    std::span<const Hash> consistency_path) {
  if (older.log_id != newer.log_id) {
    return fail(ErrorCode::invalid_argument, "the two tree heads belong to different logs");
  }
  if (newer.tree_size < older.tree_size) {
    return fail(ErrorCode::conflict, "the log shrank from " + std::to_string(older.tree_size) + " to " +
                                         std::to_string(newer.tree_size) +
                                         " entries: it was truncated or rolled back");
  }
  if (newer.tree_size == older.tree_size && newer.root_hash != older.root_hash) {
    return fail(ErrorCode::conflict, "two different roots signed for the same log size " +
                                         std::to_string(older.tree_size) + ": the log forked");
  }
  return verify_consistency(older.tree_size, newer.tree_size, consistency_path, older.root_hash,
                            newer.root_hash);
}

Result<void> verify_head_extends(const SignedTreeHead& older, const SignedTreeHead& newer,
                                 std::span<const Hash> consistency_path, const PublicKey& key) {
  CUSTOS_TRY_VOID(verify_tree_head(older, key));
  CUSTOS_TRY_VOID(verify_tree_head(newer, key));
  return check_heads_consistent(older.head, newer.head, consistency_path);
}

Result<void> verify_inclusion_in_head(const Hash& leaf, const InclusionProof& proof,
                                      const SignedTreeHead& signed_head, const PublicKey& key) {
  CUSTOS_TRY_VOID(verify_tree_head(signed_head, key));
  if (proof.tree_size != signed_head.head.tree_size) {
    return fail(ErrorCode::invalid_argument, "the inclusion proof is for a log of " + std::to_string(proof.tree_size) +
                                                 " entries but the signed head is for " +
                                                 std::to_string(signed_head.head.tree_size));
  }
  return verify_inclusion(leaf, proof, signed_head.head.root_hash);
}

}  // namespace custos::merkle
