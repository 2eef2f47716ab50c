#include "custos/platform/aead.hpp"

#include <sodium.h>

namespace custos::aead {

static_assert(kKeySize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kOverhead == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                               crypto_aead_xchacha20poly1305_ietf_ABYTES);

Result<Bytes> seal(const Secret& key, std::span<const std::uint8_t> plaintext,
                   std::span<const std::uint8_t> associated_data) {
  if (key.size() != kKeySize) return fail(ErrorCode::crypto, "encryption key has the wrong size");
  constexpr auto kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  Bytes out(kNonce + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), kNonce);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, &length, plaintext.data(),
                                             plaintext.size(), associated_data.data(),
                                             associated_data.size(), nullptr, out.data(),
                                             key.unsafe_bytes().data());
  out.resize(kNonce + length);
  return out;
}

Result<Secret> open(const Secret& key, std::span<const std::uint8_t> sealed,
                    std::span<const std::uint8_t> associated_data) {
  if (key.size() != kKeySize) return fail(ErrorCode::crypto, "decryption key has the wrong size");
  if (sealed.size() < kOverhead) return fail(ErrorCode::crypto, "sealed value is too short");
  constexpr auto kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  Secret plain(sealed.size() - kOverhead);
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.unsafe_bytes().data(), &length, nullptr, sealed.data() + kNonce,
          sealed.size() - kNonce, associated_data.data(), associated_data.size(), sealed.data(),
          key.unsafe_bytes().data()) != 0) {
    return fail(ErrorCode::crypto, "sealed value failed authentication");
  }
  return plain;
}

}  // namespace custos::aead
