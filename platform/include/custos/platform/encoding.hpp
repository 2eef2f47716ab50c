// Text encodings of binary values: lower-case hex and Base64 (standard and
// URL-safe, unpadded). Decoders reject anything that is not canonical.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos {

using Bytes = std::vector<std::uint8_t>;

inline std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
inline std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string hex_encode(std::span<const std::uint8_t> bytes);
Result<Bytes> hex_decode(std::string_view text);

std::string base64_encode(std::span<const std::uint8_t> bytes);      // with padding
Result<Bytes> base64_decode(std::string_view text);
std::string base64url_encode(std::span<const std::uint8_t> bytes);   // no padding
Result<Bytes> base64url_decode(std::string_view text);

}  // namespace custos
