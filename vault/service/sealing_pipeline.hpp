// The conveyor of an upload: plaintext chunks in, sealed chunks hashed and
// appended to the document's blob out. Internal to the document service.
//
// Encrypting, hashing and writing a chunk cost about the same order of time
// (on the test machine 1.5, 0.8 and 0.4 ms per MiB), so doing them one after
// the other on the request's thread leaves a core idle and the disk waiting.
// Once an upload has more than one chunk, the pipeline runs two threads of
// its own: a sealer that encrypts chunk n while a writer hashes and appends
// chunk n - 1, and the caller fills chunk n + 1 meanwhile. Three plaintext
// buffers (guarded memory, Secret) and three ciphertext buffers (plain
// memory: ciphertext needs no protection) bound what is in flight; a caller
// that gets ahead waits for a free buffer. An upload of a single chunk never
// starts the threads: it is sealed and written on the caller's thread.
//
// Chunks are sealed and written strictly in order. The first failure of
// either thread stops both and is returned by every later call.
//
// Thread-safety: one caller thread at a time (the Upload's request).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "custos/platform/hash.hpp"
#include "custos/platform/secretstream.hpp"
#include "custos/vault/blob_store.hpp"

namespace custos::vault {

class SealingPipeline {
 public:
  // Each chunk sealed by `encryptor` is added to `digest` and appended to
  // `blob`; all three must outlive the pipeline.
  SealingPipeline(secretstream::Encryptor& encryptor, BlobWriter& blob, Sha256& digest);
  // Stops the threads; chunks still queued are dropped.
  ~SealingPipeline();
  SealingPipeline(const SealingPipeline&) = delete;
  SealingPipeline& operator=(const SealingPipeline&) = delete;

  // A buffer of secretstream::kChunkSize bytes to fill with plaintext; it
  // stays the caller's until submit(). Waits while every buffer is in flight.
  Result<std::span<std::uint8_t>> take_buffer();
  // Hands over the first `used` bytes of the buffer last taken, to be sealed
  // as the next chunk (the final one when `last`).
  Result<void> submit(std::size_t used, bool last);
  // Waits until every submitted chunk is hashed and appended.
  Result<void> drain();
  std::uint32_t chunks_submitted() const { return submitted_; }

 private:
  static constexpr std::size_t kBuffers = 3;
  struct Filled {
    std::size_t buffer;
    std::size_t used;
    bool last;
  };

  Result<void> seal(const Filled& chunk, Bytes& out);
  Result<void> write(const Bytes& sealed);
  void start_threads();
  void run_sealer();
  void run_writer();
  // Wakes every waiter: on failure and on shutdown.
  void wake_all();
  // The first failure, recorded once; wakes every waiter.
  void record_failure(Error error);
  Result<void> failure_locked() const;

  secretstream::Encryptor& encryptor_;
  BlobWriter& blob_;
  Sha256& digest_;

  std::mutex mutex_;
  // One per waiter, so that a hand-over wakes only the thread it concerns.
  std::condition_variable caller_wait_;  // take_buffer() and drain()
  std::condition_variable sealer_wait_;
  std::condition_variable writer_wait_;
  std::vector<Secret> plain_;             // plaintext buffers, allocated as needed
  std::vector<std::size_t> free_plain_;   // indices into plain_
  std::optional<std::size_t> taken_;      // the buffer the caller fills
  std::deque<Filled> to_seal_;
  std::vector<Bytes> sealed_;             // ciphertext buffers
  std::vector<std::size_t> free_sealed_;
  std::deque<std::size_t> to_write_;      // indices into sealed_, in chunk order
  std::uint32_t submitted_ = 0;
  std::uint32_t written_ = 0;
  bool stopping_ = false;
  std::optional<Error> failure_;
  std::thread sealer_, writer_;
};

}  // namespace custos::vault
