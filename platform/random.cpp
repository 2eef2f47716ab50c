#include "custos/platform/random.hpp"

#include <sodium.h>

namespace custos {

Bytes random_bytes(std::size_t size) {
  Bytes out(size);
  if (size != 0) randombytes_buf(out.data(), size);
  return out;
}

std::uint64_t random_u64() {
  std::uint64_t value = 0;
  randombytes_buf(&value, sizeof value);
  return value;
}

std::string random_id(std::size_t bytes) { return base64url_encode(random_bytes(bytes)); }

}  // namespace custos
