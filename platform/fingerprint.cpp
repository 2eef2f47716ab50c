#include "custos/platform/fingerprint.hpp"

#include <cctype>

#include "custos/platform/encoding.hpp"
#include "custos/platform/hash.hpp"

namespace custos {

std::string der_fingerprint(const unsigned char* der, std::size_t size) {
  return "SHA256:" + hex_encode(sha256(std::span<const std::uint8_t>(der, size)));
}

Result<std::string> normalize_fingerprint(std::string_view text) {
  const Error bad{ErrorCode::invalid_argument,
                  "a fingerprint reads SHA256: and 64 hex digits (custos-vault init prints it)"};
  if (text.size() < 7 || (text.substr(0, 7) != "SHA256:" && text.substr(0, 7) != "sha256:")) return fail(bad);
  std::string hex;
  for (const char c : text.substr(7)) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return fail(bad);
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64) return fail(bad);
  return "SHA256:" + hex;
}

}  // namespace custos
