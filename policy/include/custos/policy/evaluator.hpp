// The evaluator: a Policy compiled into a form that answers device, print,
// view and grant questions fast, every answer naming the rule that made it.
//
// Device rules are compiled once: strings are interned to integers, rules
// with an exact VID:PID are indexed by it, so a decision does a few hash
// look-ups of the device's strings and then integer comparisons over the
// candidate rules only, in rule order (first match wins). When no rule
// matches an interface, the department's implicit rule for that kind of
// interface decides ("implicit:<dept>:removable-storage", ...:optical,
// ...:other-devices). An unknown department, an interface-less device or any
// unknown value is denied with its own implicit rule id.
//
// Thread-safety: a CompiledPolicy is immutable after compile(); any number of
// threads may ask it questions at once. A moved-from CompiledPolicy may only
// be assigned to or destroyed. Decisions hold string_views into the
// CompiledPolicy: keep it alive while you use them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "custos/policy/device.hpp"
#include "custos/policy/model.hpp"

namespace custos::policy {

// Rule ids of the implicit decisions that do not belong to a department.
inline constexpr std::string_view kUnknownDepartmentRule = "implicit:unknown-department";
inline constexpr std::string_view kNoInterfacesRule = "implicit:no-interfaces";
inline constexpr std::string_view kUnknownLevelRule = "implicit:unknown-level";
inline constexpr std::string_view kUnknownActionRule = "implicit:unknown-action";

struct InterfaceDecision {
  InterfaceClass interface;
  DeviceTarget target = DeviceTarget::block;  // never `unknown`
  std::string_view rule_id;                   // the rule that decided
};

struct DeviceDecision {
  std::string_view department;  // empty when the department is unknown
  bool audit = false;           // audit mode: report, do not enforce
  // The whole device: block when every interface is blocked (or it has none),
  // allow otherwise; the agent then authorizes interfaces one by one.
  DeviceTarget device_target = DeviceTarget::block;
  // The rule behind device_target: the implicit rule for an unknown department
  // or an interface-less device, else the rule of the first interface that is
  // not blocked (allow) or of the first interface (block).
  std::string_view device_rule_id;
  std::vector<InterfaceDecision> interfaces;  // one per device interface, in device order
};

enum class Action : std::uint8_t { unknown, print, view, grant };
std::string_view to_string(Action action) noexcept;
Action action_from_string(std::string_view text) noexcept;

enum class Verdict : std::uint8_t { deny, allow, needs_approval };
std::string_view to_string(Verdict verdict) noexcept;

// A print, view or grant question about a document.
struct AccessQuery {
  Action action = Action::unknown;
  Level level = Level::unknown;       // the document's classification
  std::string_view department;        // the document's department
  std::string_view user_department;   // view: the department of the user asking
  std::int32_t grant_days = 0;        // grant: the length asked for
};

struct AccessDecision {
  Verdict verdict = Verdict::deny;
  std::string_view rule_id;  // "<dept>:printing", "<dept>:levels.top_secret.allow_printing", ...
  std::int32_t max_grant_days = 0;  // grant: the longest grant allowed here
};

class CompiledPolicy {
 public:
  static CompiledPolicy compile(const Policy& policy);

  CompiledPolicy(CompiledPolicy&&) noexcept;
  CompiledPolicy& operator=(CompiledPolicy&&) noexcept;
  ~CompiledPolicy();

  // A department's handle, for callers that ask many questions about one
  // department (the agent knows its own): saves the name look-up.
  std::optional<std::uint32_t> department_index(std::string_view name) const noexcept;

  DeviceDecision decide_device(std::string_view department, const Device& device) const;
  // The hot path: reuses `out`'s storage; no allocation once it has capacity.
  void decide_device(std::optional<std::uint32_t> department, const Device& device,
                     DeviceDecision& out) const;

  AccessDecision decide_access(const AccessQuery& query) const;

  std::size_t rule_count() const noexcept;

  struct Impl;  // the compiled form; private to policy/ (compiled_policy_impl.hpp)

 private:
  explicit CompiledPolicy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::policy
