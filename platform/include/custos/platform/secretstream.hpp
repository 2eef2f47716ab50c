// Streaming encryption of large contents (delivered files of a GiB and more)
// with libsodium's crypto_secretstream_xchacha20poly1305: the content is cut
// into messages of at most kChunkSize bytes, each authenticated with the
// stream's associated data, the last one tagged FINAL. Reordering, dropping,
// altering or truncating messages, a wrong key or other associated data make
// decryption fail closed.
//
// Encrypted form: a 24-byte header, then one sealed message per chunk
// (plaintext size + kChunkOverhead bytes each). Callers store the header and
// the sealed messages as they like; the decryptor must be given the same
// message boundaries.
//
// Thread-safety: one object per stream, used by one thread at a time.
#pragma once

#include <memory>
#include <span>

#include "custos/platform/encoding.hpp"
#include "custos/platform/secret.hpp"

namespace custos::secretstream {

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kHeaderSize = 24;
inline constexpr std::size_t kChunkOverhead = 17;
inline constexpr std::size_t kChunkSize = 1 << 20;  // 1 MiB of plaintext per message

class Encryptor {
 public:
  // `key` must be kKeySize bytes; `associated_data` is bound to every chunk.
  static Result<Encryptor> create(const Secret& key, Bytes associated_data);
  Encryptor(Encryptor&&) noexcept;
  Encryptor& operator=(Encryptor&&) noexcept;
  ~Encryptor();

  const Bytes& header() const noexcept { return header_; }
  // Seals one chunk (≤ kChunkSize bytes) into `out` (resized). `last` marks the end.
  Result<void> push(std::span<const std::uint8_t> chunk, bool last, Bytes& out);

 private:
  struct State;
  Encryptor(std::unique_ptr<State> state, Bytes header, Bytes associated_data);
  std::unique_ptr<State> state_;
  Bytes header_;
  Bytes associated_data_;
  bool finished_ = false;
};

class Decryptor {
 public:
  static Result<Decryptor> create(const Secret& key, std::span<const std::uint8_t> header,
                                  Bytes associated_data);
  Decryptor(Decryptor&&) noexcept;
  Decryptor& operator=(Decryptor&&) noexcept;
  ~Decryptor();

  // Opens one sealed chunk into `out` (a Secret, so plaintext stays in
  // guarded memory). Fails on any tampering or a chunk after the final one.
  Result<void> pull(std::span<const std::uint8_t> sealed, Secret& out);
  // True once the FINAL chunk was opened. A stream that ends before that is truncated.
  bool finished() const noexcept { return finished_; }

 private:
  struct State;
  Decryptor(std::unique_ptr<State> state, Bytes associated_data);
  std::unique_ptr<State> state_;
  Bytes associated_data_;
  bool finished_ = false;
};

}  // namespace custos::secretstream
