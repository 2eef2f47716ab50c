// SHA-256 (OpenSSL's, the fastest on these machines) and HMAC-SHA-256.
//
// Thread-safety: the free functions are pure; a Sha256 object is used by one
// thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "custos/platform/secret.hpp"

namespace custos {

using Digest = std::array<std::uint8_t, 32>;

Digest sha256(std::span<const std::uint8_t> data);
inline Digest sha256(std::string_view text) {
  return sha256({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

// Incremental SHA-256 for streams.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::span<const std::uint8_t> data);
  Digest finish();  // the object may not be updated afterwards

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// HMAC-SHA-256 keyed with a Secret; used for keyed hashes of sensitive values.
Digest hmac_sha256(const Secret& key, std::span<const std::uint8_t> data);

}  // namespace custos
