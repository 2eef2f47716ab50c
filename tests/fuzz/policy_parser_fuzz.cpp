// Fuzzes the whole policy path an attacker-controlled or mistyped file can
// reach: TOML parse, settings, device rules with their positions, rule
// analysis, compilation and a few decisions, and the canonical form, which
// must parse back to the same policy.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "custos/policy/canonical.hpp"
#include "custos/policy/evaluator.hpp"
#include "custos/policy/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custos::policy;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckReport report = parse_policy(text, "fuzz.toml");
  for (const auto& d : report.diagnostics) {
    // Positions are 1-based and inside the file (or one past its last line).
    if (d.pos.line == 0 || d.pos.column == 0) std::abort();
    (void)format_diagnostic(d);
  }
  if (report.ok != !has_errors(report.diagnostics)) std::abort();
  if (!report.policy) return 0;

  const CompiledPolicy compiled = CompiledPolicy::compile(*report.policy);
  Device device;
  device.vendor_id = 0x0781;
  device.product_id = 0x5581;
  device.serial = "S";
  device.connect_type = ConnectType::hotplug;
  device.interfaces = {{0x08, 0x06, 0x50}, {0x03, 0x01, 0x01}, {0x08, 0x02, 0x50}};
  for (const auto& department : report.policy->departments()) {
    const DeviceDecision decision = compiled.decide_device(department.name, device);
    for (const auto& i : decision.interfaces) {
      if (i.target == DeviceTarget::unknown || i.rule_id.empty()) std::abort();
    }
    (void)compiled.decide_access(AccessQuery{Action::print, Level::top_secret, department.name, department.name, 0});
  }

  // The canonical form must be a fixed point: parse it, render it again, same bytes.
  const std::string canonical = to_canonical_toml(*report.policy);
  CheckReport again = parse_policy(canonical, "canonical.toml");
  if (!again.ok || !again.policy || to_canonical_toml(*again.policy) != canonical) std::abort();
  return 0;
}
