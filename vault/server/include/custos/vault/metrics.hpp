// The vault's counters, served at /metrics in Prometheus text format.
//
// Thread-safety: thread-safe (relaxed atomics; a scrape may see counters a
// few increments apart).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace custos::vault {

class Metrics {
 public:
  void request_done(unsigned status, double seconds);
  void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); accepted_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_rejected() { rejected_.fetch_add(1, std::memory_order_relaxed); }
  void uploaded(std::uint64_t bytes) { upload_bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  void downloaded(std::uint64_t bytes) { download_bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  void audit_batch(std::uint64_t records) {
    audit_records_.fetch_add(records, std::memory_order_relaxed);
    audit_batches_.fetch_add(1, std::memory_order_relaxed);
  }
  std::int64_t active_connections() const { return connections_.load(std::memory_order_relaxed); }

  std::string render() const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0};
  std::array<std::atomic<std::uint64_t>, 6> by_class_{};  // 1xx..5xx, other
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> latency_{};
  std::atomic<std::uint64_t> latency_micros_{0};
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> upload_bytes_{0};
  std::atomic<std::uint64_t> download_bytes_{0};
  std::atomic<std::uint64_t> audit_records_{0};
  std::atomic<std::uint64_t> audit_batches_{0};
};

}  // namespace custos::vault
