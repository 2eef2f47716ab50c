#include "custos/vault/metrics.hpp"

#include <charconv>
#include <string>
#include <string_view>
#include <system_error>

namespace custos::vault {

void Metrics::request_done(unsigned status, double seconds) {
  const std::size_t cls = status >= 100 && status < 600 ? status / 100 - 1 : 5;
  by_class_[cls].fetch_add(1, std::memory_order_relaxed);
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  latency_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

namespace {

// A sample's value as Prometheus reads it: the shortest text that reads
// back as the same double.
std::string number(double value) {
  char text[64];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : std::string("NaN");
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::string_view value) {
  out.append(name).append(labels).append(" ").append(value).append("\n");
}

}  // namespace

// Built by appending, never in fixed buffers: a sample line is never cut,
// however many digits its counter has.
std::string Metrics::render() const {
  std::string out;
  family(out, "custos_http_requests_total", "counter", "HTTP requests answered, by status class.");
  static constexpr const char* kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
  for (std::size_t i = 0; i < by_class_.size(); ++i) {
    sample(out, "custos_http_requests_total", std::string("{code=\"") + kClasses[i] + "\"}",
           std::to_string(by_class_[i].load(std::memory_order_relaxed)));
  }
  family(out, "custos_http_request_duration_seconds", "histogram", "Time from request head to response written.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_[i].load(std::memory_order_relaxed);
    sample(out, "custos_http_request_duration_seconds_bucket", "{le=\"" + number(kBuckets[i]) + "\"}",
           std::to_string(cumulative));
  }
  cumulative += latency_[kBuckets.size()].load(std::memory_order_relaxed);
  sample(out, "custos_http_request_duration_seconds_bucket", "{le=\"+Inf\"}", std::to_string(cumulative));
  sample(out, "custos_http_request_duration_seconds_sum", "",
         number(static_cast<double>(latency_micros_.load(std::memory_order_relaxed)) / 1e6));
  sample(out, "custos_http_request_duration_seconds_count", "", std::to_string(cumulative));
  struct Single {
    const char* name;
    const char* type;
    const char* help;
    std::int64_t value;
  };
  const auto counter = [](const std::atomic<std::uint64_t>& c) {
    return static_cast<std::int64_t>(c.load(std::memory_order_relaxed));
  };
  const Single singles[] = {
      {"custos_http_connections_active", "gauge", "Open client connections.",
       static_cast<std::int64_t>(connections_.load(std::memory_order_relaxed))},
      {"custos_http_connections_accepted_total", "counter", "Connections accepted.", counter(accepted_)},
      {"custos_http_connections_rejected_total", "counter", "Connections closed at once (max_connections).",
       counter(rejected_)},
      {"custos_upload_bytes_total", "counter", "Plaintext bytes received in uploads.", counter(upload_bytes_)},
      {"custos_content_bytes_total", "counter", "Plaintext bytes released to granted viewers.", counter(download_bytes_)},
      {"custos_audit_records_total", "counter", "Audit records committed through the batching sink.",
       counter(audit_records_)},
      {"custos_audit_batches_total", "counter", "Group commits of audit records.", counter(audit_batches_)},
  };
  for (const auto& s : singles) {
    family(out, s.name, s.type, s.help);
    sample(out, s.name, "", std::to_string(s.value));
  }
  return out;
}

}  // namespace custos::vault
