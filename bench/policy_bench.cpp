// Measures the policy evaluator the way the agent uses it: one department's
// policy of 1,000 rules (mostly allow-listed sticks by id and serial, some
// vendor wildcards, a few generic interface rules at the end), devices
// arriving one at a time. Its ceiling is the same decision against a policy
// with no rules at all; the ratio shows what the 1,000 rules cost.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "custos/policy/evaluator.hpp"
#include "custos/policy/parser.hpp"

namespace {

using namespace custos::policy;
using Clock = std::chrono::steady_clock;

constexpr int kRules = 1000;

std::string hex4(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", v & 0xFFFFU);
  return buf;
}

std::string generate_policy() {
  std::string text = "[departments.sales]\nother_devices = \"block\"\ndevices = [\n";
  text += "  'allow with-interface 03:*:* label \"hid\"',\n";
  text += "  'allow with-interface equals { 09:*:* } label \"hubs\"',\n";
  int written = 2;
  for (int i = 0; written < kRules - 8; ++i, ++written) {
    if (i % 50 == 49) {
      text += "  'read_only id " + hex4(0x2000U + static_cast<unsigned>(i)) + ":* with-connect-type \"hotplug\"',\n";
    } else {
      text += "  'allow id " + hex4(0x1000U + static_cast<unsigned>(i % 97)) + ":" + hex4(static_cast<unsigned>(i)) +
              " serial \"SN" + std::to_string(100000 + i) + "\" label \"stick-" + std::to_string(i) + "\"',\n";
    }
  }
  const char* tail[] = {
      "'block via-port \"9-9\"'",
      "'allow name \"Trusted Reader\" with-connect-type \"hardwired\"'",
      "'block id none-of { 0781:* 1000:* } with-interface 08:*:*'",
      "'read_only id 0781:* with-interface 08:06:50'",
      "'allow hash \"descriptor-hash\"'",
      "'block with-interface one-of { 06:*:* 08:02:* }'",
      "'allow with-interface e0:*:*'",
      "'block with-interface ff:*:*'",
  };
  for (const char* rule : tail) {
    text += std::string("  ") + rule + ",\n";
    ++written;
  }
  text += "]\n";
  return text;
}

std::vector<Device> generate_devices() {
  std::mt19937 random(42);
  std::vector<Device> devices;
  for (int n = 0; n < 4096; ++n) {
    Device d;
    d.connect_type = ConnectType::hotplug;
    d.via_port = "1-" + std::to_string(n % 4);
    const int kind = static_cast<int>(random() % 4);
    if (kind == 0) {  // an allow-listed stick, anywhere in the list
      const unsigned i = random() % 900;
      d.vendor_id = static_cast<std::uint16_t>(0x1000U + i % 97);
      d.product_id = static_cast<std::uint16_t>(i);
      d.serial = "SN" + std::to_string(100000 + i);
      d.interfaces = {{0x08, 0x06, 0x50}};
    } else if (kind == 1) {  // an unknown stick: falls through every rule
      d.vendor_id = 0x0951;
      d.product_id = static_cast<std::uint16_t>(random());
      d.serial = "X" + std::to_string(random());
      d.interfaces = {{0x08, 0x06, 0x50}};
    } else if (kind == 2) {  // a keyboard
      d.vendor_id = 0x046d;
      d.product_id = 0xc31c;
      d.interfaces = {{0x03, 0x01, 0x01}};
    } else {  // a composite keyboard + storage
      d.vendor_id = 0x1a2c;
      d.product_id = 0x2124;
      d.interfaces = {{0x03, 0x01, 0x01}, {0x08, 0x06, 0x50}};
    }
    devices.push_back(std::move(d));
  }
  return devices;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Decisions per second over the devices, for about `budget` seconds.
double decisions_per_second(const CompiledPolicy& policy, const std::vector<Device>& devices, double budget,
                            std::size_t& checksum) {
  const auto department = policy.department_index("sales");
  DeviceDecision out;
  std::size_t decisions = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    for (const Device& d : devices) {
      policy.decide_device(department, d, out);
      checksum += static_cast<std::size_t>(out.device_target) + out.interfaces.front().rule_id.size();
    }
    decisions += devices.size();
    elapsed = seconds_since(start);
  } while (elapsed < budget);
  return static_cast<double>(decisions) / elapsed;
}

}  // namespace

int main() {
  const std::string text = generate_policy();
  std::vector<double> parse_ms;
  std::optional<CompiledPolicy> compiled;
  for (int round = 0; round < 10; ++round) {
    const auto start = Clock::now();
    CheckReport report = parse_policy(text, "bench.toml");
    if (!report.ok) {
      std::fputs(report.format().c_str(), stderr);
      return 1;
    }
    compiled.emplace(CompiledPolicy::compile(*report.policy));
    parse_ms.push_back(seconds_since(start) * 1e3);
  }
  std::sort(parse_ms.begin(), parse_ms.end());

  CheckReport empty_report = parse_policy("[departments.sales]\n", "empty.toml");
  const CompiledPolicy empty = CompiledPolicy::compile(*empty_report.policy);
  const std::vector<Device> devices = generate_devices();
  std::size_t checksum = 0;
  const double rate = decisions_per_second(*compiled, devices, 1.0, checksum);
  const double ceiling = decisions_per_second(empty, devices, 0.5, checksum);

  // One hotplug event at a time, as the agent meets them: the decision
  // including its fresh result object.
  std::vector<double> latency_us;
  for (int n = 0; n < 20000; ++n) {
    const Device& d = devices[static_cast<std::size_t>(n * 7919) % devices.size()];
    const auto start = Clock::now();
    const DeviceDecision decision = compiled->decide_device("sales", d);
    latency_us.push_back(seconds_since(start) * 1e6);
    checksum += decision.interfaces.size();
  }
  std::sort(latency_us.begin(), latency_us.end());

  std::printf("policy rules: %zu\n", compiled->rule_count());
  std::printf("parse+compile of the 1000-rule policy (median of 10): %.2f ms\n", parse_ms[parse_ms.size() / 2]);
  std::printf("device decisions/s, 1000 rules: %.0f\n", rate);
  std::printf("device decisions/s, no rules (ceiling): %.0f\n", ceiling);
  std::printf("ratio to ceiling: %.2f\n", rate / ceiling);
  std::printf("goal 1000000 decisions/s: %s\n", rate >= 1e6 ? "met" : "NOT met");
  std::printf("single hotplug decision p50: %.2f us\n", latency_us[latency_us.size() / 2]);
  std::printf("single hotplug decision p99: %.2f us\n", latency_us[latency_us.size() * 99 / 100]);
  std::printf("(checksum %zu)\n", checksum % 1000);
  return 0;
}
