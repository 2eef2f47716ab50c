// An AuditSink that commits records in groups: callers block until the
// group holding their record is durable (synchronous=FULL), and one commit
// serves every record that arrived while the previous commit ran. With many
// concurrent requests this turns one fsync per request into one per group.
//
// Thread-safety: thread-safe. The destructor drains the queue and stops the
// committing thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "custos/vault/audit_trail.hpp"
#include "custos/vault/metrics.hpp"

namespace custos::vault {

class BatchingAuditSink final : public AuditSink {
 public:
  BatchingAuditSink(Store& store, Metrics& metrics, std::size_t max_batch = 512);
  ~BatchingAuditSink() override;
  Result<void> record(AuditRecord record) override;

 private:
  struct Pending {
    AuditRecord record;
    Result<void>* result;
    bool done = false;
  };
  void run();

  Store& store_;
  Metrics& metrics_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace custos::vault
