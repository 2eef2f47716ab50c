// Fuzzes the audit log's canonical texts: entry lines, export headers and the
// whole export verifier fed line by line. Whatever the bytes, the reader
// answers with values or an Error; what it accepts it writes back byte for
// byte (one entry, one text); and the verifier never accepts an export whose
// heads a random key did not sign.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "custos/auditlog/entry.hpp"
#include "custos/auditlog/export_file.hpp"

namespace {

using namespace custos::auditlog;

const custos::SigningKey& key() {
  static const custos::SigningKey signing = custos::SigningKey::generate();
  return signing;
}

void check_line(std::string_view line) {
  auto parsed = parse_json_line(line);
  if (!parsed) return;
  const auto written = to_json_line(parsed->entry, parsed->leaf_hash ? &*parsed->leaf_hash : nullptr);
  if (written != line) std::abort();
  auto leaf = encode_leaf(parsed->entry);
  if (!leaf) std::abort();
  auto back = decode_leaf(*leaf);
  if (!back || !(*back == parsed->entry)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)decode_leaf({data, size});
  const auto first_break = text.find('\n');
  const auto header = text.substr(0, first_break);
  if (auto parsed = parse_header_line(header); parsed && to_header_line(*parsed) != header) std::abort();
  std::string_view rest = first_break == std::string_view::npos ? std::string_view() : text.substr(first_break + 1);
  auto verifier = ExportFileVerifier::begin(header, key().public_key());
  for (std::size_t guard = 0; !rest.empty(); ++guard) {
    if (guard > size) std::abort();
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    check_line(line);
    if (verifier) (void)verifier->add_line(line);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  // No head in random bytes carries this key's signature.
  if (verifier) std::abort();
  return 0;
}
