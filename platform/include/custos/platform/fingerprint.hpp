// Certificate fingerprints as Custos shows and pins them: "SHA256:" and 64
// lower-case hex digits of the SHA-256 of the certificate's DER encoding.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos {

std::string der_fingerprint(const unsigned char* der, std::size_t size);
// "SHA256:<64 hex>" from any accepted spelling (upper case, colon-separated
// pairs as openssl prints them); invalid_argument otherwise.
Result<std::string> normalize_fingerprint(std::string_view text);

}  // namespace custos
