#include "custos/platform/hash.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

namespace custos {

Digest sha256(std::span<const std::uint8_t> data) {
  Digest out{};
  unsigned int length = 0;
  // EVP_Digest only fails on allocation failure; treat like operator new.
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1) std::abort();
  return out;
}

struct Sha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) std::abort();
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::uint8_t> data) {
  EVP_DigestUpdate(state_->ctx, data.data(), data.size());
}

Digest Sha256::finish() {
  Digest out{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->ctx, out.data(), &length);
  return out;
}

Digest hmac_sha256(const Secret& key, std::span<const std::uint8_t> data) {
  Digest out{};
  unsigned int length = 0;
  const auto k = key.unsafe_bytes();
  if (HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()), data.data(), data.size(), out.data(),
           &length) == nullptr) {
    std::abort();
  }
  return out;
}

}  // namespace custos
