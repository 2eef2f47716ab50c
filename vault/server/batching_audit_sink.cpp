#include "custos/vault/batching_audit_sink.hpp"

#include <vector>

namespace custos::vault {

BatchingAuditSink::BatchingAuditSink(Store& store, Metrics& metrics, std::size_t max_batch)
    : store_(store), metrics_(metrics), max_batch_(max_batch), thread_([this] { run(); }) {}

BatchingAuditSink::~BatchingAuditSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  thread_.join();
}

Result<void> BatchingAuditSink::record(AuditRecord record) {
  Result<void> result = fail(ErrorCode::unavailable, "the audit log is shutting down");
  Pending pending{std::move(record), &result};
  std::unique_lock lock(mutex_);
  if (stopping_) return result;
  queue_.push_back(&pending);
  work_.notify_one();
  done_.wait(lock, [&] { return pending.done; });
  return result;
}

void BatchingAuditSink::run() {
  std::vector<Pending*> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    // One transaction for the whole group: all records commit or none does,
    // and every waiter learns which.
    auto committed = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
      for (auto* pending : batch) {
        if (auto seq = tx.append_audit(pending->record); !seq) return fail(seq.error());
      }
      return ok();
    });
    if (committed) metrics_.audit_batch(batch.size());
    {
      std::lock_guard lock(mutex_);
      for (auto* pending : batch) {
        *pending->result = committed;
        pending->done = true;
      }
    }
    done_.notify_all();
    batch.clear();
  }
}

}  // namespace custos::vault
