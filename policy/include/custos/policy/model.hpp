// The policy model: what a department allows for removable storage, optical
// drives, printing and each classification level, and its device rules.
//
// A `Policy` you hold is valid: the only ways to make one are the parser
// (`parse_policy`, `check_file`) and bundle acceptance, both of which refuse
// a file with errors. The plain structs inside are read-only views of it.
// Every enum read from a file has an `unknown` member, which every decision
// treats as deny.
//
// Thread-safety: a Policy is immutable after construction; any number of
// threads may read it at once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/policy/device.hpp"
#include "custos/policy/diagnostic.hpp"

namespace custos::policy {

// What happens to a device interface. `read_only` means write-protected block
// devices for mass storage; on any other interface it is applied as `block`.
enum class DeviceTarget : std::uint8_t { unknown, block, read_only, allow };
// Printing in a department: never, or only with the department manager's approval.
enum class PrintMode : std::uint8_t { unknown, forbid, by_approval };
// Classification levels of customer information (秘密, 机密, 绝密).
enum class Level : std::uint8_t { unknown, secret, confidential, top_secret };

std::string_view to_string(DeviceTarget target) noexcept;
std::string_view to_string(PrintMode mode) noexcept;
std::string_view to_string(Level level) noexcept;
DeviceTarget device_target_from_string(std::string_view text) noexcept;  // unknown if not one of them
PrintMode print_mode_from_string(std::string_view text) noexcept;
Level level_from_string(std::string_view text) noexcept;

inline constexpr std::array<Level, 3> kLevels = {Level::secret, Level::confidential, Level::top_secret};

// ---- device rules -----------------------------------------------------------

// The attributes a device rule can test, in the spelling of the language.
enum class Attribute : std::uint8_t {
  id,                 // id VID:PID
  serial,             // serial "..."
  name,               // name "..."
  hash,               // hash "..."
  via_port,           // via-port "..."
  with_interface,     // with-interface CC:SS:PP
  with_connect_type,  // with-connect-type "hotplug" | "hardwired"
};
std::string_view to_string(Attribute attribute) noexcept;

// How a set of values is compared. For single-valued attributes (all but
// with-interface): one-of = the value matches any; all-of = it matches every
// one; none-of = it matches none; equals = the set holds exactly one value
// and it matches. For with-interface see docs/policy.md ("per-interface").
enum class SetOp : std::uint8_t { one_of, all_of, none_of, equals };
std::string_view to_string(SetOp op) noexcept;

// A VID:PID pattern; `*` on either side matches any value.
struct IdPattern {
  std::uint16_t vendor = 0;
  std::uint16_t product = 0;
  bool any_vendor = false;
  bool any_product = false;
  bool matches(std::uint16_t v, std::uint16_t p) const noexcept {
    return (any_vendor || v == vendor) && (any_product || p == product);
  }
  bool covers(const IdPattern& other) const noexcept;  // every id `other` matches, this matches
  friend bool operator==(const IdPattern&, const IdPattern&) = default;
};

// A CC:SS:PP interface pattern; `*` in any field matches any value.
struct InterfacePattern {
  InterfaceClass value;
  bool any_class = false;
  bool any_subclass = false;
  bool any_protocol = false;
  bool matches(const InterfaceClass& c) const noexcept {
    return (any_class || c.cls == value.cls) && (any_subclass || c.subclass == value.subclass) &&
           (any_protocol || c.protocol == value.protocol);
  }
  bool covers(const InterfacePattern& other) const noexcept;
  friend bool operator==(const InterfacePattern&, const InterfacePattern&) = default;
};

// One attribute test of a rule. Exactly one of the value vectors is used,
// chosen by `attribute`: ids (id), interfaces (with-interface), connect_types
// (with-connect-type), strings (serial, name, hash, via-port).
struct Condition {
  Attribute attribute = Attribute::id;
  SetOp op = SetOp::one_of;
  bool braced = false;  // written as a { ... } set (kept for canonical text)
  std::vector<IdPattern> ids;
  std::vector<InterfacePattern> interfaces;
  std::vector<ConnectType> connect_types;
  std::vector<std::string> strings;
  friend bool operator==(const Condition&, const Condition&) = default;
};

struct DeviceRule {
  std::string id;          // the label, or "<file>:<line>" when none was given
  bool labelled = false;   // the id was given with `label "..."`
  DeviceTarget target = DeviceTarget::block;
  std::vector<Condition> conditions;  // all must hold; none = matches every interface
  SourcePos pos;           // where the rule starts in its file
};

// The canonical text of a rule: "allow id 0781:5581 serial \"X\"" (without
// its label). Two rules with the same canonical text match the same devices.
std::string canonical_rule_text(const DeviceRule& rule);

// ---- departments --------------------------------------------------------------

struct LevelRules {
  bool allow_printing = false;            // printing possible at all (still needs approval)
  std::int32_t max_grant_days = 7;        // longest view grant at this level
  bool view_own_department_only = true;   // only users of the document's department may view
  friend bool operator==(const LevelRules&, const LevelRules&) = default;
};

struct GrantLimits {
  std::int32_t default_days = 7;  // length of a grant when the project lead gives none
  std::int32_t max_days = 30;     // no grant is longer, whatever the level allows
  friend bool operator==(const GrantLimits&, const GrantLimits&) = default;
};

// Every setting of a department; `[defaults]` holds the same set.
// Built-in defaults (used when neither the department nor [defaults] sets a
// key) are fail-secure: see docs/policy.md for each.
struct DepartmentSettings {
  DeviceTarget removable_storage = DeviceTarget::block;
  DeviceTarget optical = DeviceTarget::block;
  DeviceTarget other_devices = DeviceTarget::block;
  PrintMode printing = PrintMode::by_approval;
  bool audit = false;  // decide and report device decisions, do not enforce them
  GrantLimits grants;
  std::array<LevelRules, 3> levels = {
      LevelRules{true, 30, false},  // secret
      LevelRules{true, 14, true},   // confidential
      LevelRules{false, 7, true},   // top_secret
  };
  std::vector<std::string> scan_paths;  // absolute folders the discovery scan reads (later)
  friend bool operator==(const DepartmentSettings&, const DepartmentSettings&) = default;

  const LevelRules& level(Level l) const noexcept;  // l must not be unknown
};

struct Department {
  std::string name;
  DepartmentSettings settings;
  std::vector<DeviceRule> rules;  // in file order; first match wins
};

namespace detail {
struct PolicyBuilder;  // the parser's key to Policy's constructor (policy_builder.hpp)
}

// A whole checked policy: its departments sorted by name.
class Policy {
 public:
  const std::vector<Department>& departments() const noexcept { return departments_; }
  const Department* find(std::string_view name) const noexcept;
  const std::string& source_name() const noexcept { return source_name_; }

 private:
  friend struct detail::PolicyBuilder;
  // Takes departments the parser has already checked.
  static Policy from_checked(std::string source_name, std::vector<Department> departments);
  Policy() = default;
  std::string source_name_;
  std::vector<Department> departments_;
};

}  // namespace custos::policy
