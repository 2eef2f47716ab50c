// Fuzz target for the client's reading of the vault's answers
// (read_answer): the first byte picks the HTTP status, the rest is the body.
// No input may crash; a success is always a JSON object; a body that is not
// one under a success status is corrupt; a refusal always says something.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "custos/vault/answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static constexpr std::array<unsigned, 12> kStatus = {200, 201, 204, 301, 400, 401, 403, 404, 409, 413, 500, 503};
  const unsigned status = kStatus[data[0] % kStatus.size()];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto answer = custos::vault::read_answer(status, body);
  if (answer) {
    if (status >= 400 || !answer->is_object()) std::abort();
  } else if (status < 400) {
    if (answer.error().code != custos::ErrorCode::corrupt) std::abort();
  } else if (answer.error().message.empty() && body.find("\"message\"") == std::string_view::npos) {
    std::abort();  // an empty message may only come from the body itself
  }
  return 0;
}
