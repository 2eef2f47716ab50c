#include "custos/platform/secret.hpp"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

namespace custos {
namespace {
// libsodium must be initialised before first use (CPU feature detection,
// the CSPRNG); doing it at load time means no caller can forget it.
[[maybe_unused]] const bool kSodiumReady = sodium_init() >= 0;

// Small secrets (tokens, keys, passwords) come and go with every request,
// and each sodium_malloc costs an mmap, two mprotects and an mlock. Blocks of
// kSmall bytes are therefore kept, wiped, in a per-thread free list and
// reused; they stay guarded and locked all along.
constexpr std::size_t kSmall = 128;
constexpr std::size_t kMaxPooled = 64;

struct SmallBlocks {
  std::vector<std::uint8_t*> free;
  ~SmallBlocks();
};
thread_local SmallBlocks small_blocks;
// Set once this thread's list is gone: a Secret that outlives it (a static
// destroyed after the main thread's thread_locals) frees its block directly.
thread_local bool small_blocks_closed = false;

SmallBlocks::~SmallBlocks() {
  small_blocks_closed = true;
  for (auto* block : free) sodium_free(block);
  free.clear();
}

std::uint8_t* allocate(std::size_t size) {
  if (size <= kSmall && !small_blocks_closed && !small_blocks.free.empty()) {
    auto* block = small_blocks.free.back();
    small_blocks.free.pop_back();
    return block;
  }
  auto* block = static_cast<std::uint8_t*>(sodium_malloc(size <= kSmall ? kSmall : size));
  // Like operator new: an allocation failure here is not recoverable in any
  // useful way, and continuing with a null secret would be worse.
  if (block == nullptr) std::abort();
  sodium_memzero(block, size <= kSmall ? kSmall : size);
  return block;
}

void deallocate(std::uint8_t* block, std::size_t size) {
  if (size <= kSmall && !small_blocks_closed && small_blocks.free.size() < kMaxPooled) {
    sodium_memzero(block, kSmall);
    small_blocks.free.push_back(block);
    return;
  }
  sodium_free(block);  // wipes the region before unmapping it
}

}  // namespace

Secret::Secret(std::size_t size) : size_(size) {
  if (size == 0) return;
  data_ = allocate(size);
}

Secret Secret::from_bytes(std::span<const std::uint8_t> bytes) {
  Secret secret(bytes.size());
  if (!bytes.empty()) std::memcpy(secret.data_, bytes.data(), bytes.size());
  return secret;
}

Secret Secret::from_string(std::string_view text) {
  return from_bytes({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

Secret Secret::random(std::size_t size) {
  Secret secret(size);
  if (size != 0) randombytes_buf(secret.data_, size);
  return secret;
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Secret::~Secret() { release(); }

Secret Secret::clone() const { return from_bytes(unsafe_bytes()); }

bool Secret::equals(const Secret& other) const noexcept {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data_, size_) == 0;
}

void Secret::release() noexcept {
  if (data_ != nullptr) deallocate(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

Result<void> init_crypto() {
  if (sodium_init() < 0) return fail(ErrorCode::crypto, "libsodium could not be initialised");
  return ok();
}

void wipe(std::span<char> bytes) noexcept {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

}  // namespace custos
