// Test helpers of the daemon's unit tests: a temporary folder, an event sink
// that keeps what it is given, and signed policy bundles made with a fresh
// key.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "custos/agent/event_sink.hpp"
#include "custos/platform/signing.hpp"
#include "custos/policy/bundle.hpp"
#include "custos/policy/parser.hpp"

namespace custos::agent::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("custos-agent-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct RecordedEvent {
  std::string kind;
  Severity severity;
  boost::json::object detail;
};

class RecordingSink final : public EventSink {
 public:
  void record(std::string_view kind, Severity severity, boost::json::object detail) override {
    std::lock_guard lock(mutex_);
    events.push_back({std::string(kind), severity, std::move(detail)});
  }
  // The events of `kind`.
  std::vector<RecordedEvent> of(std::string_view kind) const {
    std::lock_guard lock(mutex_);
    std::vector<RecordedEvent> out;
    for (const auto& e : events) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  std::vector<RecordedEvent> events;

 private:
  mutable std::mutex mutex_;
};

// A signed bundle of `department` from policy text.
inline std::string signed_bundle(const SigningKey& key, std::string_view policy_text, std::string_view department,
                                 std::uint64_t version) {
  auto report = policy::parse_policy(policy_text, "test.toml");
  EXPECT_TRUE(report.ok) << report.format();
  const auto now = now_seconds();
  auto bundle = policy::make_signed_bundle(
      *report.policy, {.department = std::string(department), .version = version, .issued_at = now - 60,
                       .expires_at = now + 86400},
      key);
  EXPECT_TRUE(bundle) << bundle.error().describe();
  return bundle ? *bundle : std::string();
}

}  // namespace custos::agent::testing
