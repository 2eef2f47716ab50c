// The vault's backup file (`custos-vault backup`): a snapshot of the store
// (vault.db) and the ciphertext files of the documents it holds, sealed as
// one crypto_secretstream under a key derived from the vault key. The file
// alone opens nothing: restoring it needs the vault's keys/, which are
// backed up separately, so that destroying a retired vault key reaches every
// backup sealed under it (docs/install.md, "The purge horizon").
//
// File: "CUSTOSBK" | version (u32, big-endian, 1) | key id (16 bytes) |
// stream header (24 bytes), then sealed messages, each a u32 big-endian
// length and that many bytes (at most secretstream::kChunkSize + 17), the
// last one tagged FINAL; the first 28 bytes are the stream's associated data.
// The plaintext stream is a sequence of records:
//   'D' u64 size, size bytes      the database, exactly once, first
//   'B' u64 id, u64 size, bytes   a document's ciphertext file; ids increase
//   'E' u64 count                 the end: how many 'B' records came before
// Nothing may follow 'E'; a stream that ends before it is truncated
// (docs/file-formats.md, "Backup files").
//
// Thread-safety: one writer or reader per file, used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "custos/platform/encoding.hpp"
#include "custos/platform/secret.hpp"

namespace custos::vault::backup {

inline constexpr std::string_view kMagic = "CUSTOSBK";
inline constexpr std::uint32_t kVersion = 1;
inline constexpr std::size_t kKeyIdSize = 16;
inline constexpr std::size_t kPrefixSize = 8 + 4 + kKeyIdSize;  // the associated data

// The key that seals backups of the vault whose key is `vault_key`.
Secret derive_backup_key(const Secret& vault_key);
// A public name of a backup key, written into each file so that a restore
// with the wrong keys/ is told so before anything is decrypted.
Bytes key_id(const Secret& backup_key);

// Where sealed bytes go, and where they come from (returns the number of
// bytes read into the span, 0 at the end of the file).
using Sink = std::function<Result<void>(std::span<const std::uint8_t>)>;
using Source = std::function<Result<std::size_t>(std::span<std::uint8_t>)>;

class Writer {
 public:
  // Writes the file's prefix and stream header to `sink` at once.
  static Result<Writer> create(const Secret& backup_key, Sink sink);
  Writer(Writer&&) noexcept;
  Writer& operator=(Writer&&) noexcept;
  ~Writer();

  // The database record: `size` bytes, given by data() calls that follow.
  Result<void> begin_database(std::uint64_t size);
  // A ciphertext file's record; its bytes follow through data().
  Result<void> begin_blob(std::int64_t id, std::uint64_t size);
  Result<void> data(std::span<const std::uint8_t> bytes);
  // Writes the end record and seals the last message.
  Result<void> finish();

 private:
  struct State;
  explicit Writer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// What a reader hands over, in file order. Every callback may fail, which
// stops the reading with its error.
struct Visitor {
  std::function<Result<void>(std::uint64_t size)> database;
  std::function<Result<void>(std::int64_t id, std::uint64_t size)> blob;
  // Bytes of the current record (the plaintext lives in guarded memory).
  std::function<Result<void>(std::span<const std::uint8_t>)> data;
  std::function<Result<void>(std::uint64_t blob_count)> end;
};

// Reads a whole backup file. Fails with crypto for another key or any
// altered byte, corrupt for a malformed or truncated file, invalid_argument
// for a file that is no backup or of a newer version.
Result<void> read(const Secret& backup_key, const Source& source, const Visitor& visitor);

}  // namespace custos::vault::backup
