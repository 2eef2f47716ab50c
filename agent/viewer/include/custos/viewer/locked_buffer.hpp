// LockedBuffer: a growable byte buffer whose bytes live in a Secret
// (sodium_malloc: locked into RAM, guard pages, wiped when freed). The
// viewer keeps a document's plaintext and every rendered page image in
// one, so that neither reaches swap nor lingers in freed memory.
//
// Growth doubles the capacity by allocating a new Secret and copying; the
// old one is wiped as it dies.
//
// Thread-safety: like std::vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "custos/platform/secret.hpp"

namespace custos::viewer {

class LockedBuffer {
 public:
  LockedBuffer() = default;
  explicit LockedBuffer(std::size_t capacity) : bytes_(capacity) {}

  void append(std::span<const std::uint8_t> more);
  void clear() noexcept { size_ = 0; }
  // Drops the bytes past `size` (kept, unread, until overwritten or wiped).
  void truncate(std::size_t size) noexcept {
    if (size < size_) size_ = size;
  }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  // Raw access, as Secret::unsafe_bytes: the caller keeps the bytes in memory.
  std::span<const std::uint8_t> unsafe_bytes() const noexcept { return bytes_.unsafe_bytes().first(size_); }
  std::string_view unsafe_view() const noexcept { return bytes_.unsafe_view().substr(0, size_); }

 private:
  Secret bytes_;
  std::size_t size_ = 0;
};

}  // namespace custos::viewer
