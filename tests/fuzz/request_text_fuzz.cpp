// Fuzz target for the text the vault and the command parse from requests
// and from people: query strings and percent-encoding, times, certificate
// fingerprints, public keys, hex and Base64. The first byte picks the
// parser; none may crash, and a decode that succeeds must round-trip.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "custos/platform/encoding.hpp"
#include "custos/platform/fingerprint.hpp"
#include "custos/platform/signing.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/platform/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      if (auto q = custos::parse_query(text)) {
        for (const auto& [key, value] : *q) {
          // Whatever was decoded encodes and decodes back to itself.
          if (*custos::url_decode(custos::url_encode(value), false) != value) std::abort();
          (void)key;
        }
      }
      break;
    }
    case 1:
      if (auto t = custos::parse_time(text)) {
        // A parsed time formats and parses back to the same instant.
        if (*t >= 0 && *t < 253402300800 && *custos::parse_time(custos::format_rfc3339(*t)) != *t) std::abort();
      }
      break;
    case 2:
      if (auto f = custos::normalize_fingerprint(text)) {
        if (*custos::normalize_fingerprint(*f) != *f) std::abort();
      }
      break;
    case 3:
      if (auto k = custos::PublicKey::parse(text)) {
        if (*custos::PublicKey::parse(k->to_string()) != *k) std::abort();
      }
      break;
    case 4:
      if (auto b = custos::hex_decode(text)) {
        if (*custos::hex_decode(custos::hex_encode(*b)) != *b) std::abort();
      }
      break;
    default:
      if (auto b = custos::base64_decode(text)) {
        if (*custos::base64_decode(custos::base64_encode(*b)) != *b) std::abort();
      }
      if (auto b = custos::base64url_decode(text)) {
        if (*custos::base64url_decode(custos::base64url_encode(*b)) != *b) std::abort();
      }
      break;
  }
  return 0;
}
