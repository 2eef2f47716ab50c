// Secret: bytes that must never be printed, logged, copied by accident or
// left in freed memory — keys, passwords, session tokens, plaintext content.
//
// The bytes live in libsodium's guarded heap (sodium_malloc: guard pages,
// locked into RAM so they never reach swap) and are wiped when the Secret
// dies. Small blocks (≤ 128 bytes) are reused, wiped, from a per-thread
// free list instead of being unmapped. A Secret can be moved, not copied; `clone()` copies on purpose.
// Comparison is constant-time. There is no operator<< and no conversion to
// std::string: reading the bytes takes the loudly named `unsafe_bytes()`.
//
// Thread-safety: like std::vector — distinct objects may be used from
// different threads; one object needs external synchronisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos {

// Zeroes bytes that held something secret outside a Secret (a request body
// with a password or customer records) so that the compiler cannot drop
// the write as dead.
void wipe(std::span<char> bytes) noexcept;

class Secret {
 public:
  Secret() noexcept = default;
  // Allocates `size` zeroed bytes. Aborts (like operator new) when the
  // guarded heap cannot satisfy the request.
  explicit Secret(std::size_t size);
  // Copies `bytes` in; the caller wipes its own copy.
  static Secret from_bytes(std::span<const std::uint8_t> bytes);
  static Secret from_string(std::string_view text);
  // `size` bytes from the operating system's CSPRNG.
  static Secret random(std::size_t size);

  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret();

  Secret clone() const;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // Raw access. Every call site is a place where the secret leaves this
  // type's protection; keep them few and obvious.
  std::span<std::uint8_t> unsafe_bytes() noexcept { return {data_, size_}; }
  std::span<const std::uint8_t> unsafe_bytes() const noexcept { return {data_, size_}; }
  std::string_view unsafe_view() const noexcept {
    return {reinterpret_cast<const char*>(data_), size_};
  }

  // Constant-time equality (sizes are compared openly).
  bool equals(const Secret& other) const noexcept;

 private:
  void release() noexcept;

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// Must be called once before any other platform crypto call; idempotent.
Result<void> init_crypto();

}  // namespace custos
