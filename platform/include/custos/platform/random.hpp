// Random values from the operating system's CSPRNG (libsodium randombytes).
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "custos/platform/encoding.hpp"

namespace custos {

Bytes random_bytes(std::size_t size);
std::uint64_t random_u64();
// A URL-safe text id of `bytes` random bytes, e.g. request ids.
std::string random_id(std::size_t bytes = 12);

}  // namespace custos
