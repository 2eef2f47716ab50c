#include "custos/vault/metrics.hpp"

#include <cstdio>

namespace custos::vault {

void Metrics::request_done(unsigned status, double seconds) {
  const std::size_t cls = status >= 100 && status < 600 ? status / 100 - 1 : 5;
  by_class_[cls].fetch_add(1, std::memory_order_relaxed);
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  latency_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  char line[160];
  auto add = [&](const char* text) { out += text; };
  add("# HELP custos_http_requests_total HTTP requests answered, by status class.\n");
  add("# TYPE custos_http_requests_total counter\n");
  static constexpr const char* kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
  for (std::size_t i = 0; i < by_class_.size(); ++i) {
    std::snprintf(line, sizeof line, "custos_http_requests_total{code=\"%s\"} %llu\n", kClasses[i],
                  static_cast<unsigned long long>(by_class_[i].load(std::memory_order_relaxed)));
    add(line);
  }
  add("# HELP custos_http_request_duration_seconds Time from request head to response written.\n");
  add("# TYPE custos_http_request_duration_seconds histogram\n");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_[i].load(std::memory_order_relaxed);
    std::snprintf(line, sizeof line, "custos_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", kBuckets[i],
                  static_cast<unsigned long long>(cumulative));
    add(line);
  }
  cumulative += latency_[kBuckets.size()].load(std::memory_order_relaxed);
  std::snprintf(line, sizeof line, "custos_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                static_cast<unsigned long long>(cumulative));
  add(line);
  std::snprintf(line, sizeof line, "custos_http_request_duration_seconds_sum %.6f\n",
                static_cast<double>(latency_micros_.load(std::memory_order_relaxed)) / 1e6);
  add(line);
  std::snprintf(line, sizeof line, "custos_http_request_duration_seconds_count %llu\n",
                static_cast<unsigned long long>(cumulative));
  add(line);
  struct Single {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t value;
  };
  const Single singles[] = {
      {"custos_http_connections_active", "gauge", "Open client connections.",
       static_cast<std::uint64_t>(connections_.load(std::memory_order_relaxed))},
      {"custos_http_connections_accepted_total", "counter", "Connections accepted.", accepted_.load()},
      {"custos_http_connections_rejected_total", "counter", "Connections closed at once (max_connections).", rejected_.load()},
      {"custos_upload_bytes_total", "counter", "Plaintext bytes received in uploads.", upload_bytes_.load()},
      {"custos_content_bytes_total", "counter", "Plaintext bytes released to granted viewers.", download_bytes_.load()},
      {"custos_audit_records_total", "counter", "Audit records committed through the batching sink.", audit_records_.load()},
      {"custos_audit_batches_total", "counter", "Group commits of audit records.", audit_batches_.load()},
  };
  for (const auto& s : singles) {
    std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", s.name, s.help, s.name, s.type, s.name,
                  static_cast<unsigned long long>(s.value));
    add(line);
  }
  return out;
}

}  // namespace custos::vault
