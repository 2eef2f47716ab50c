#include "custos/platform/encoding.hpp"

#include <sodium.h>

namespace custos {
namespace {

std::string to_base64(std::span<const std::uint8_t> bytes, int variant) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);  // drop the terminating NUL sodium writes
  return out;
}

Result<Bytes> from_base64(std::string_view text, int variant, const char* what) {
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length,
                        &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return fail(ErrorCode::invalid_argument, std::string("not valid ") + what);
  }
  out.resize(length);
  return out;
}

}  // namespace

std::string hex_encode(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const auto byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0f]);
  }
  return out;
}

Result<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return fail(ErrorCode::invalid_argument, "hex text has an odd length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = nibble(text[2 * i]);
    const int low = nibble(text[2 * i + 1]);
    if (high < 0 || low < 0) return fail(ErrorCode::invalid_argument, "hex text has a non-hex character");
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return out;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  return to_base64(bytes, sodium_base64_VARIANT_ORIGINAL);
}
Result<Bytes> base64_decode(std::string_view text) {
  return from_base64(text, sodium_base64_VARIANT_ORIGINAL, "Base64");
}
std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  return to_base64(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
Result<Bytes> base64url_decode(std::string_view text) {
  return from_base64(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING, "Base64url");
}

}  // namespace custos
