#include "custos/platform/signing.hpp"

#include <sodium.h>

#include <algorithm>

namespace custos {

namespace {
constexpr std::string_view kPrefix = "ed25519:";
}

Result<PublicKey> PublicKey::from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != crypto_sign_PUBLICKEYBYTES) {
    return fail(ErrorCode::invalid_argument, "an Ed25519 public key is 32 bytes");
  }
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
  return key;
}

Result<PublicKey> PublicKey::parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (!text.starts_with(kPrefix)) {
    return fail(ErrorCode::invalid_argument, "a public key reads 'ed25519:<base64>'");
  }
  auto raw = base64_decode(text.substr(kPrefix.size()));
  if (!raw) return fail(ErrorCode::invalid_argument, "the public key is not valid Base64");
  return from_bytes(*raw);
}

std::string PublicKey::to_string() const { return std::string(kPrefix) + base64_encode(bytes_); }

Result<void> PublicKey::verify(std::span<const std::uint8_t> message,
                               std::span<const std::uint8_t> signature) const {
  if (signature.size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(signature.data(), message.data(), message.size(), bytes_.data()) != 0) {
    return fail(ErrorCode::crypto, "signature does not verify with this public key");
  }
  return ok();
}

SigningKey::SigningKey(Secret seed, Secret expanded, PublicKey public_key)
    : seed_(std::move(seed)), expanded_(std::move(expanded)), public_key_(public_key) {}

SigningKey SigningKey::generate() { return *from_seed(Secret::random(crypto_sign_SEEDBYTES)); }

Result<SigningKey> SigningKey::from_seed(const Secret& seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return fail(ErrorCode::invalid_argument, "an Ed25519 seed is 32 bytes");
  }
  Secret expanded(crypto_sign_SECRETKEYBYTES);
  std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_bytes{};
  crypto_sign_seed_keypair(public_bytes.data(), expanded.unsafe_bytes().data(), seed.unsafe_bytes().data());
  auto public_key = PublicKey::from_bytes(public_bytes);
  return SigningKey(seed.clone(), std::move(expanded), *public_key);
}

Signature SigningKey::sign(std::span<const std::uint8_t> message) const {
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       expanded_.unsafe_bytes().data());
  return signature;
}

}  // namespace custos
