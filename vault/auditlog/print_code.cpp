#include "custos/auditlog/print_code.hpp"

#include <charconv>
#include <cstring>

#include "custos/platform/encoding.hpp"

namespace custos::auditlog {
namespace {

constexpr std::string_view kPrefix = "CUSTOS-PRINT/1/";
constexpr std::size_t kMaxCode = 160;

std::string message_of(std::int64_t record) { return "custos print record v1\n" + std::to_string(record); }

std::span<const std::uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Error not_a_code(std::string_view why) {
  return Error{ErrorCode::invalid_argument,
               "not a Custos print code (" + std::string(why) + "); it reads CUSTOS-PRINT/1/<id>/<signature>"};
}

}  // namespace

std::string make_print_code(std::int64_t record, const SigningKey& key) {
  const auto signature = key.sign(bytes_of(message_of(record)));
  return std::string(kPrefix) + std::to_string(record) + "/" + base64url_encode(signature);
}

Result<PrintCode> parse_print_code(std::string_view text) {
  while (!text.empty() && std::strchr(" \t\r\n", text.front()) != nullptr) text.remove_prefix(1);
  while (!text.empty() && std::strchr(" \t\r\n", text.back()) != nullptr) text.remove_suffix(1);
  // zbarimg prints "QR-Code:" before what it decoded.
  if (text.starts_with("QR-Code:")) text.remove_prefix(8);
  if (text.size() > kMaxCode) return fail(not_a_code("too long"));
  if (!text.starts_with(kPrefix)) return fail(not_a_code("wrong prefix"));
  text.remove_prefix(kPrefix.size());
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return fail(not_a_code("no signature"));
  PrintCode code;
  const auto id = text.substr(0, slash);
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), code.record);
  if (id.empty() || ec != std::errc() || end != id.data() + id.size() || code.record <= 0 || id.front() == '0') {
    return fail(not_a_code("the record id is not a positive number"));
  }
  auto signature = base64url_decode(text.substr(slash + 1));
  if (!signature || signature->size() != code.signature.size()) return fail(not_a_code("the signature is malformed"));
  std::memcpy(code.signature.data(), signature->data(), code.signature.size());
  return code;
}

Result<void> verify_print_code(const PrintCode& code, const PublicKey& key) {
  if (auto verified = key.verify(bytes_of(message_of(code.record)), code.signature); !verified) {
    return fail(ErrorCode::crypto, "the print code's signature is not the vault's: this is no genuine Custos print "
                                   "code for record " + std::to_string(code.record));
  }
  return ok();
}

}  // namespace custos::auditlog
