#include "sealing_pipeline.hpp"

namespace custos::vault {

SealingPipeline::SealingPipeline(secretstream::Encryptor& encryptor, BlobWriter& blob, Sha256& digest)
    : encryptor_(encryptor), blob_(blob), digest_(digest) {
  // Sized once: the threads index these vectors without the lock, so they
  // must never reallocate while the threads run.
  plain_.reserve(kBuffers);
  sealed_.resize(kBuffers);
  for (std::size_t i = 0; i < kBuffers; ++i) free_sealed_.push_back(i);
}

SealingPipeline::~SealingPipeline() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_all();
  if (sealer_.joinable()) sealer_.join();
  if (writer_.joinable()) writer_.join();
}

Result<std::span<std::uint8_t>> SealingPipeline::take_buffer() {
  std::unique_lock lock(mutex_);
  for (;;) {
    CUSTOS_TRY_VOID(failure_locked());
    if (taken_) return plain_[*taken_].unsafe_bytes();
    if (!free_plain_.empty()) {
      taken_ = free_plain_.back();
      free_plain_.pop_back();
    } else if (plain_.empty()) {
      plain_.emplace_back(secretstream::kChunkSize);  // the first; the others come with the threads
      taken_ = 0;
    } else {
      caller_wait_.wait(lock);
    }
  }
}

Result<void> SealingPipeline::submit(std::size_t used, bool last) {
  std::unique_lock lock(mutex_);
  CUSTOS_TRY_VOID(failure_locked());
  if (!taken_) return fail(ErrorCode::internal, "submitting a chunk without a buffer");
  const Filled chunk{*taken_, used, last};
  taken_.reset();
  ++submitted_;
  if (!sealer_.joinable() && last) {
    // The whole upload is this one chunk: no threads, no hand-over.
    lock.unlock();
    auto done = seal(chunk, sealed_[0]);
    if (done) done = write(sealed_[0]);
    lock.lock();
    free_plain_.push_back(chunk.buffer);
    if (!done) {
      record_failure(done.error());
      return done;
    }
    ++written_;
    return ok();
  }
  if (!sealer_.joinable()) start_threads();
  to_seal_.push_back(chunk);
  sealer_wait_.notify_one();
  return ok();
}

Result<void> SealingPipeline::drain() {
  std::unique_lock lock(mutex_);
  caller_wait_.wait(lock, [this] { return failure_.has_value() || written_ == submitted_; });
  return failure_locked();
}

Result<void> SealingPipeline::seal(const Filled& chunk, Bytes& out) {
  return encryptor_.push(plain_[chunk.buffer].unsafe_bytes().first(chunk.used), chunk.last, out);
}

Result<void> SealingPipeline::write(const Bytes& sealed) {
  digest_.update(sealed);
  return blob_.append(sealed);
}

void SealingPipeline::start_threads() {
  // Called with the lock held, before any thread exists.
  while (plain_.size() < kBuffers) {
    plain_.emplace_back(secretstream::kChunkSize);
    free_plain_.push_back(plain_.size() - 1);
  }
  sealer_ = std::thread([this] { run_sealer(); });
  writer_ = std::thread([this] { run_writer(); });
}

void SealingPipeline::run_sealer() {
  std::unique_lock lock(mutex_);
  for (;;) {
    sealer_wait_.wait(lock, [this] {
      return stopping_ || failure_.has_value() || (!to_seal_.empty() && !free_sealed_.empty());
    });
    if (stopping_ || failure_) return;
    const auto chunk = to_seal_.front();
    to_seal_.pop_front();
    const auto out = free_sealed_.back();
    free_sealed_.pop_back();
    lock.unlock();
    auto done = seal(chunk, sealed_[out]);
    lock.lock();
    free_plain_.push_back(chunk.buffer);
    if (!done) {
      free_sealed_.push_back(out);
      record_failure(done.error());
      return;
    }
    to_write_.push_back(out);
    caller_wait_.notify_one();  // a plaintext buffer is free
    writer_wait_.notify_one();
  }
}

void SealingPipeline::run_writer() {
  std::unique_lock lock(mutex_);
  for (;;) {
    writer_wait_.wait(lock, [this] { return stopping_ || failure_.has_value() || !to_write_.empty(); });
    if (stopping_ || failure_) return;
    const auto index = to_write_.front();
    to_write_.pop_front();
    lock.unlock();
    auto done = write(sealed_[index]);
    lock.lock();
    free_sealed_.push_back(index);
    if (!done) {
      record_failure(done.error());
      return;
    }
    ++written_;
    sealer_wait_.notify_one();  // a ciphertext buffer is free
    if (written_ == submitted_) caller_wait_.notify_one();
  }
}

void SealingPipeline::wake_all() {
  caller_wait_.notify_all();
  sealer_wait_.notify_all();
  writer_wait_.notify_all();
}

void SealingPipeline::record_failure(Error error) {
  if (!failure_) failure_ = std::move(error);
  wake_all();
}

Result<void> SealingPipeline::failure_locked() const {
  if (failure_) return fail(*failure_);
  return ok();
}

}  // namespace custos::vault
