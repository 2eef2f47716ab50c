#include "custos/merkle/hash.hpp"

// OpenSSL's low-level SHA256_Init/Update/Final are deprecated since 3.0 in
// favour of EVP, but they are still shipped and they are what makes a log
// export verify near SHA-256 speed: measured on the bench machine, hashing a
// 65-byte node costs ~130 ns here against ~250 ns through a reused EVP
// context and ~950 ns through EVP_Digest (platform's sha256(), which fetches
// the algorithm and allocates a context on every call). The context lives on
// the stack, so nothing is allocated. Only this file touches the old API; if
// a future OpenSSL drops it, this file alone changes (to a reused EVP_MD_CTX).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cstring>

namespace custos::merkle {

namespace {
constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;
}  // namespace

Hash leaf_hash(std::span<const std::uint8_t> entry) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, &kLeafPrefix, 1);
  SHA256_Update(&ctx, entry.data(), entry.size());
  Hash out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Hash node_hash(const Hash& left, const Hash& right) {
  // One contiguous 65-byte input: a single Update call is measurably faster
  // than three small ones.
  std::uint8_t input[1 + 2 * 32];
  input[0] = kNodePrefix;
  std::memcpy(input + 1, left.data(), left.size());
  std::memcpy(input + 33, right.data(), right.size());
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, input, sizeof input);
  Hash out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Hash empty_root() { return sha256(std::span<const std::uint8_t>{}); }

}  // namespace custos::merkle
