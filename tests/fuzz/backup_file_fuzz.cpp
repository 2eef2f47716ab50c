// Backup files: the first byte chooses what the rest is.
//   even: the file itself, read with a fixed key (the framing, the prefix,
//         message sizes; authentication stops nearly everything else);
//   odd:  the plaintext records, sealed here under that key with valid
//         framing (cut into messages where the input says), so that the
//         record parser behind the authentication is fuzzed too.
// Every input must end in success or an Error, never a crash or a hang.
#include <cstdint>
#include <cstring>

#include "custos/platform/secretstream.hpp"
#include "custos/vault/backup_file.hpp"

namespace {

using namespace custos;

const Secret& fixed_key() {
  static const Secret key = Secret::from_bytes(std::vector<std::uint8_t>(32, 7));
  return key;
}

void put_u32(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

Bytes seal_records(std::span<const std::uint8_t> plain) {
  Bytes prefix(vault::backup::kMagic.begin(), vault::backup::kMagic.end());
  put_u32(prefix, vault::backup::kVersion);
  const auto id = vault::backup::key_id(fixed_key());
  prefix.insert(prefix.end(), id.begin(), id.end());
  auto encryptor = secretstream::Encryptor::create(fixed_key(), prefix);
  if (!encryptor) return {};
  Bytes file = prefix;
  file.insert(file.end(), encryptor->header().begin(), encryptor->header().end());
  // Messages of 1 + (first byte % 64) bytes, so records straddle them.
  const std::size_t piece = plain.empty() ? 1 : 1 + plain[0] % 64;
  std::size_t at = 0;
  do {
    const auto n = std::min(piece, plain.size() - at);
    Bytes sealed;
    if (!encryptor->push(plain.subspan(at, n), at + n == plain.size(), sealed)) return {};
    put_u32(file, static_cast<std::uint32_t>(sealed.size()));
    file.insert(file.end(), sealed.begin(), sealed.end());
    at += n;
  } while (at < plain.size());
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  const Bytes file = (data[0] % 2 == 0) ? Bytes(rest.begin(), rest.end()) : seal_records(rest);
  std::size_t at = 0;
  const vault::backup::Source source = [&](std::span<std::uint8_t> into) -> Result<std::size_t> {
    const auto n = std::min(into.size(), file.size() - at);
    if (n > 0) std::memcpy(into.data(), file.data() + at, n);
    at += n;
    return n;
  };
  std::uint64_t bytes = 0;
  const vault::backup::Visitor visitor{
      [](std::uint64_t) { return ok(); }, [](std::int64_t, std::uint64_t) { return ok(); },
      [&](std::span<const std::uint8_t> b) -> Result<void> { bytes += b.size(); return ok(); },
      [](std::uint64_t) { return ok(); }};
  (void)vault::backup::read(fixed_key(), source, visitor);
  return 0;
}
