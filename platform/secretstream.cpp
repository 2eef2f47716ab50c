#include "custos/platform/secretstream.hpp"

#include <sodium.h>

namespace custos::secretstream {

static_assert(kKeySize == crypto_secretstream_xchacha20poly1305_KEYBYTES);
static_assert(kHeaderSize == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kChunkOverhead == crypto_secretstream_xchacha20poly1305_ABYTES);

// The stream state holds key material: keep it in guarded memory.
struct Encryptor::State {
  Secret memory{sizeof(crypto_secretstream_xchacha20poly1305_state)};
  crypto_secretstream_xchacha20poly1305_state* get() {
    return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(memory.unsafe_bytes().data());
  }
};
struct Decryptor::State {
  Secret memory{sizeof(crypto_secretstream_xchacha20poly1305_state)};
  crypto_secretstream_xchacha20poly1305_state* get() {
    return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(memory.unsafe_bytes().data());
  }
};

Encryptor::Encryptor(std::unique_ptr<State> state, Bytes header, Bytes associated_data)
    : state_(std::move(state)), header_(std::move(header)), associated_data_(std::move(associated_data)) {}
Encryptor::Encryptor(Encryptor&&) noexcept = default;
Encryptor& Encryptor::operator=(Encryptor&&) noexcept = default;
Encryptor::~Encryptor() = default;

Result<Encryptor> Encryptor::create(const Secret& key, Bytes associated_data) {
  if (key.size() != kKeySize) return fail(ErrorCode::crypto, "stream key has the wrong size");
  auto state = std::make_unique<State>();
  Bytes header(kHeaderSize);
  crypto_secretstream_xchacha20poly1305_init_push(state->get(), header.data(), key.unsafe_bytes().data());
  return Encryptor(std::move(state), std::move(header), std::move(associated_data));
}

Result<void> Encryptor::push(std::span<const std::uint8_t> chunk, bool last, Bytes& out) {
  if (finished_) return fail(ErrorCode::internal, "stream already finished");
  if (chunk.size() > kChunkSize) return fail(ErrorCode::internal, "chunk larger than kChunkSize");
  out.resize(chunk.size() + kChunkOverhead);
  unsigned long long length = 0;
  const auto tag = last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                        : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  crypto_secretstream_xchacha20poly1305_push(state_->get(), out.data(), &length, chunk.data(),
                                             chunk.size(), associated_data_.data(),
                                             associated_data_.size(), tag);
  out.resize(length);
  finished_ = last;
  return ok();
}

Decryptor::Decryptor(std::unique_ptr<State> state, Bytes associated_data)
    : state_(std::move(state)), associated_data_(std::move(associated_data)) {}
Decryptor::Decryptor(Decryptor&&) noexcept = default;
Decryptor& Decryptor::operator=(Decryptor&&) noexcept = default;
Decryptor::~Decryptor() = default;

Result<Decryptor> Decryptor::create(const Secret& key, std::span<const std::uint8_t> header,
                                    Bytes associated_data) {
  if (key.size() != kKeySize) return fail(ErrorCode::crypto, "stream key has the wrong size");
  if (header.size() != kHeaderSize) return fail(ErrorCode::corrupt, "stream header has the wrong size");
  auto state = std::make_unique<State>();
  if (crypto_secretstream_xchacha20poly1305_init_pull(state->get(), header.data(),
                                                      key.unsafe_bytes().data()) != 0) {
    return fail(ErrorCode::crypto, "stream header is invalid");
  }
  return Decryptor(std::move(state), std::move(associated_data));
}

Result<void> Decryptor::pull(std::span<const std::uint8_t> sealed, Secret& out) {
  if (finished_) return fail(ErrorCode::corrupt, "data follows the end of the encrypted stream");
  if (sealed.size() < kChunkOverhead || sealed.size() > kChunkSize + kChunkOverhead) {
    return fail(ErrorCode::corrupt, "encrypted chunk has an impossible size");
  }
  if (out.size() != sealed.size() - kChunkOverhead) out = Secret(sealed.size() - kChunkOverhead);
  unsigned long long length = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(state_->get(), out.unsafe_bytes().data(), &length,
                                                 &tag, sealed.data(), sealed.size(),
                                                 associated_data_.data(),
                                                 associated_data_.size()) != 0) {
    return fail(ErrorCode::crypto, "encrypted chunk failed authentication");
  }
  finished_ = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  return ok();
}

}  // namespace custos::secretstream
