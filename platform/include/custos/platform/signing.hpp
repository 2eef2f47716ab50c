// Ed25519 signatures: the vault signs tree heads, policy bundles and
// destruction certificates; anyone holding the 32-byte public key verifies.
//
// Key file forms: the private key is the 32-byte seed (kept in a Secret, on
// disk mode 0600); the public key travels as text "ed25519:<base64>".
//
// Thread-safety: a SigningKey is immutable after creation; sign() may be
// called from many threads at once.
#pragma once

#include <array>
#include <span>
#include <string>

#include "custos/platform/encoding.hpp"
#include "custos/platform/secret.hpp"

namespace custos {

using Signature = std::array<std::uint8_t, 64>;

class PublicKey {
 public:
  static Result<PublicKey> from_bytes(std::span<const std::uint8_t> bytes);
  static Result<PublicKey> parse(std::string_view text);  // "ed25519:<base64>"
  std::string to_string() const;
  const std::array<std::uint8_t, 32>& bytes() const noexcept { return bytes_; }
  // Ok when `signature` is this key's signature over `message`; crypto error otherwise.
  Result<void> verify(std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature) const;

  friend bool operator==(const PublicKey&, const PublicKey&) = default;

 private:
  std::array<std::uint8_t, 32> bytes_{};
};

class SigningKey {
 public:
  static SigningKey generate();
  // From the 32-byte seed.
  static Result<SigningKey> from_seed(const Secret& seed);

  const Secret& seed() const noexcept { return seed_; }
  const PublicKey& public_key() const noexcept { return public_key_; }
  Signature sign(std::span<const std::uint8_t> message) const;

 private:
  SigningKey(Secret seed, Secret expanded, PublicKey public_key);
  Secret seed_;
  Secret expanded_;  // libsodium's 64-byte secret key (seed || public key)
  PublicKey public_key_;
};

}  // namespace custos
