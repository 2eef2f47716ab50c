// For tests only: a BlobStore that passes every call through to a real one,
// except the operations it is told to fail. A failed operation returns an
// io error *without* reaching the real store, the way a full disk or a
// failing device leaves the file system: a failed append wrote nothing
// more, a failed publish (its fdatasync) left the blob staged and
// unpublished, a failed shred left the blob in place.
//
// Thread-safety: as BlobStore; the fault plan may be changed while an
// upload's threads call through it.
#pragma once

#include <atomic>

#include "custos/vault/blob_store.hpp"

namespace custos::vault::testonly {

class FaultInjectingBlobStore final : public BlobStore {
 public:
  explicit FaultInjectingBlobStore(BlobStore& real) : real_(real) {}

  // After `successes` more appends (counted over every writer) have gone
  // through, every append fails; 0 fails the next one.
  void fail_appends_after(int successes) { appends_left_ = successes; }
  void stop_failing_appends() { appends_left_ = -1; }
  void fail_publish(bool fail) { fail_publish_ = fail; }
  void fail_shred(bool fail) { fail_shred_ = fail; }
  void fail_open(bool fail) { fail_open_ = fail; }
  // Appends that reached the real store.
  int appends() const { return appends_; }

  Result<std::unique_ptr<BlobWriter>> create(Id document) override;
  Result<std::unique_ptr<BlobReader>> open(Id document) override;
  Result<void> shred(Id document) override;
  Result<void> remove_staging(Id document) override { return real_.remove_staging(document); }
  Result<BlobInventory> inventory() override { return real_.inventory(); }

 private:
  class Writer;
  BlobStore& real_;
  std::atomic<int> appends_left_{-1};  // -1: no failing
  std::atomic<int> appends_{0};
  std::atomic<bool> fail_publish_{false};
  std::atomic<bool> fail_shred_{false};
  std::atomic<bool> fail_open_{false};
};

}  // namespace custos::vault::testonly
