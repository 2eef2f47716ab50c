// Authenticated encryption of small values (data keys, key files) with
// XChaCha20-Poly1305 (IETF). The associated data binds a ciphertext to its
// context — e.g. a wrapped data key to its object's id, version and level —
// so a ciphertext moved to another context fails to open.
//
// Sealed form: 24-byte random nonce || ciphertext || 16-byte tag.
// Thread-safety: pure functions.
#pragma once

#include <span>

#include "custos/platform/encoding.hpp"
#include "custos/platform/secret.hpp"

namespace custos::aead {

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kOverhead = 24 + 16;

// `key` must be kKeySize bytes.
Result<Bytes> seal(const Secret& key, std::span<const std::uint8_t> plaintext,
                   std::span<const std::uint8_t> associated_data);
// Fails with ErrorCode::crypto for a wrong key, altered bytes or other AD.
Result<Secret> open(const Secret& key, std::span<const std::uint8_t> sealed,
                    std::span<const std::uint8_t> associated_data);

}  // namespace custos::aead
