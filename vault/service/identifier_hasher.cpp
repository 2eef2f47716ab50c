#include "custos/vault/identifier_hasher.hpp"

#include "custos/platform/encoding.hpp"
#include "custos/platform/hash.hpp"

namespace custos::vault {

std::string IdentifierHasher::hash(std::string_view value) const {
  const auto mac = hmac_sha256(key_, {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()});
  return std::string(kIdentifierHashPrefix) + hex_encode(mac);
}

}  // namespace custos::vault
