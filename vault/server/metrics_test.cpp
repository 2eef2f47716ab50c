#include "custos/vault/metrics.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace custos::vault {
namespace {

// The samples of a Prometheus text exposition, by name and labels; fails the
// test on any line that is neither a comment nor a whole sample.
std::map<std::string, std::string> samples_of(const std::string& text) {
  static const std::regex kSample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-z]+="[^"]*"\})?) (-?[0-9][0-9.e+-]*|\+Inf|NaN)$)");
  static const std::regex kComment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kSample)) {
      EXPECT_TRUE(out.emplace(m[1], m[3]).second) << "sample twice: " << line;
    } else {
      EXPECT_TRUE(std::regex_match(line, kComment)) << "not a sample or comment: " << line;
    }
  }
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  return out;
}

TEST(Metrics, EverySampleIsWholeHoweverLargeItsCounter) {
  Metrics metrics;
  // Counters of a vault that has run for a while: twelve-digit audit
  // counts cut the sample lines when they were printed into fixed buffers.
  metrics.audit_batch(123456789012);
  metrics.audit_batch(1);
  metrics.uploaded(std::uint64_t{5} << 40);
  metrics.downloaded(999999999999999);
  for (int i = 0; i < 3; ++i) metrics.connection_rejected();
  metrics.request_done(200, 0.003);
  metrics.request_done(404, 7.0);
  const auto samples = samples_of(metrics.render());
  EXPECT_EQ(samples.at("custos_audit_records_total"), "123456789013");
  EXPECT_EQ(samples.at("custos_audit_batches_total"), "2");
  EXPECT_EQ(samples.at("custos_upload_bytes_total"), std::to_string(std::uint64_t{5} << 40));
  EXPECT_EQ(samples.at("custos_content_bytes_total"), "999999999999999");
  EXPECT_EQ(samples.at("custos_http_connections_rejected_total"), "3");
  EXPECT_EQ(samples.at("custos_http_requests_total{code=\"2xx\"}"), "1");
  EXPECT_EQ(samples.at("custos_http_requests_total{code=\"4xx\"}"), "1");
  EXPECT_EQ(samples.at("custos_http_request_duration_seconds_bucket{le=\"0.005\"}"), "1");
  EXPECT_EQ(samples.at("custos_http_request_duration_seconds_bucket{le=\"+Inf\"}"), "2");
  EXPECT_EQ(samples.at("custos_http_request_duration_seconds_count"), "2");
  EXPECT_DOUBLE_EQ(std::stod(samples.at("custos_http_request_duration_seconds_sum")), 7.003);
}

}  // namespace
}  // namespace custos::vault
