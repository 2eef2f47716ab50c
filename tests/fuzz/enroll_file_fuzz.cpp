// The enrollment file parser: any bytes give an EnrollFile with the three
// keys set or an invalid_argument Error, never a crash; a refusal never
// repeats a token's bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "custos/agent/enroll_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = custos::agent::parse_enroll_file(text);
  if (parsed) {
    if (parsed->server.empty() || parsed->fingerprint.empty() || parsed->token.empty()) std::abort();
  } else {
    if (parsed.error().code != custos::ErrorCode::invalid_argument) std::abort();
    if (parsed.error().message.find("cet_") != std::string::npos) std::abort();
  }
  return 0;
}
