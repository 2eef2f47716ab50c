// The device table of issue 4: each device, in each department, must get the
// expected target and deciding rule on every interface. Then a randomized
// check that the indexed evaluator agrees with a plain first-match scan.
#include "custos/policy/evaluator.hpp"

#include <gtest/gtest.h>

#include <random>
#include <map>

#include "test_policy.hpp"

namespace custos::policy {
namespace {

using testing::must_parse;

constexpr std::string_view kPolicy = R"(
[defaults]
other_devices = "allow"

[departments.sales]
devices = [
  'allow with-interface 03:*:* label "hid"',
  'allow id 0781:5581 serial "4C530001" label "approved-stick"',
  'read_only id 1234:* label "vendor-ro"',
  'block id *:* via-port "9-9" label "bad-port"',
]

[departments.engineering]
removable_storage = "read_only"
optical = "allow"
audit = true

[departments.lab]
other_devices = "block"
devices = [
  'allow with-interface all-of { 03:01:01 03:01:02 } label "keyboard-and-mouse"',
  'allow with-interface equals { 09:00:* } label "pure-hub"',
  'allow name "Trusted Reader" hash "abc=" with-connect-type "hardwired" label "internal-reader"',
  'block id none-of { 0781:* } with-interface 08:*:* label "only-sandisk"',
  'allow with-interface 08:*:* label "sandisk-storage"',
]
)";

struct Expect {
  DeviceTarget target;
  std::string_view rule;
};

struct Case {
  std::string_view what;
  std::string_view department;
  Device device;
  std::vector<Expect> expected;  // per interface, in device order
  DeviceTarget device_target;
};

Device usb(std::uint16_t vid, std::uint16_t pid, std::vector<InterfaceClass> interfaces, std::string serial = "") {
  Device d;
  d.vendor_id = vid;
  d.product_id = pid;
  d.serial = std::move(serial);
  d.connect_type = ConnectType::hotplug;
  d.interfaces = std::move(interfaces);
  return d;
}

constexpr InterfaceClass kStorage{0x08, 0x06, 0x50};
constexpr InterfaceClass kKeyboard{0x03, 0x01, 0x01};
constexpr InterfaceClass kMouse{0x03, 0x01, 0x02};
constexpr InterfaceClass kCdDrive{0x08, 0x02, 0x50};
constexpr InterfaceClass kMtp{0x06, 0x01, 0x01};
constexpr InterfaceClass kHub{0x09, 0x00, 0x00};
constexpr InterfaceClass kAudio{0x01, 0x01, 0x00};

std::vector<Case> device_table() {
  constexpr auto A = DeviceTarget::allow;
  constexpr auto B = DeviceTarget::block;
  constexpr auto R = DeviceTarget::read_only;
  Device reader = usb(0x0bda, 0x0129, {kStorage});
  reader.name = "Trusted Reader";
  reader.hash = "abc=";
  reader.connect_type = ConnectType::hardwired;
  Device reader_hotplugged = reader;
  reader_hotplugged.connect_type = ConnectType::hotplug;
  Device on_bad_port = usb(0x046d, 0xc31c, {kKeyboard, kAudio});
  on_bad_port.via_port = "9-9";
  return {
      {"storage stick", "sales", usb(0x0781, 0x5567, {kStorage}), {{B, "implicit:sales:removable-storage"}}, B},
      {"keyboard", "sales", usb(0x046d, 0xc31c, {kKeyboard}), {{A, "hid"}}, A},
      {"composite keyboard+storage keeps its keyboard", "sales", usb(0x1a2c, 0x2124, {kKeyboard, kStorage}),
       {{A, "hid"}, {B, "implicit:sales:removable-storage"}}, A},
      {"USB CD drive", "sales", usb(0x0e8d, 0x1887, {kCdDrive}), {{B, "implicit:sales:optical"}}, B},
      {"USB CD drive where optical is allowed", "engineering", usb(0x0e8d, 0x1887, {kCdDrive}),
       {{A, "implicit:engineering:optical"}}, A},
      {"phone in MTP mode", "sales", usb(0x18d1, 0x4ee1, {kMtp}), {{B, "implicit:sales:removable-storage"}}, B},
      {"phone in MTP mode cannot be read-only", "engineering", usb(0x18d1, 0x4ee1, {kMtp}),
       {{B, "implicit:engineering:removable-storage"}}, B},
      {"allow-listed serial", "sales", usb(0x0781, 0x5581, {kStorage}, "4C530001"), {{A, "approved-stick"}}, A},
      {"same model, other serial", "sales", usb(0x0781, 0x5581, {kStorage}, "4C530002"),
       {{B, "implicit:sales:removable-storage"}}, B},
      {"wildcard vendor", "sales", usb(0x1234, 0xabcd, {kStorage}), {{R, "vendor-ro"}}, A},
      {"wildcard vendor, first match wins for its keyboard", "sales", usb(0x1234, 0xabcd, {kKeyboard, kStorage}),
       {{A, "hid"}, {R, "vendor-ro"}}, A},
      {"read_only on a non-storage interface blocks it", "sales", usb(0x1234, 0x0001, {kAudio}),
       {{B, "vendor-ro"}}, B},
      {"rule on via-port", "sales", on_bad_port, {{A, "hid"}, {B, "bad-port"}}, A},
      {"storage read-only by department default", "engineering", usb(0x0781, 0x5567, {kStorage}),
       {{R, "implicit:engineering:removable-storage"}}, A},
      {"other device by department default", "sales", usb(0x0d8c, 0x0014, {kAudio}),
       {{A, "implicit:sales:other-devices"}}, A},
      {"all-of: keyboard with mouse", "lab", usb(0x046d, 0xc52b, {kKeyboard, kMouse}),
       {{A, "keyboard-and-mouse"}, {A, "keyboard-and-mouse"}}, A},
      {"all-of: keyboard alone does not qualify", "lab", usb(0x046d, 0xc31c, {kKeyboard}),
       {{B, "implicit:lab:other-devices"}}, B},
      {"equals: a pure hub", "lab", usb(0x05e3, 0x0608, {kHub}), {{A, "pure-hub"}}, A},
      {"equals: a hub with storage is not a pure hub", "lab", usb(0x05e3, 0x0608, {kHub, kStorage}),
       {{B, "implicit:lab:other-devices"}, {B, "only-sandisk"}}, B},
      {"name, hash and connect type", "lab", reader, {{A, "internal-reader"}}, A},
      {"the same reader hot-plugged", "lab", reader_hotplugged, {{B, "only-sandisk"}}, B},
      {"none-of lets the listed vendor through", "lab", usb(0x0781, 0x5567, {kStorage}), {{A, "sandisk-storage"}}, A},
      {"unknown department is denied", "marketing", usb(0x046d, 0xc31c, {kKeyboard}),
       {{B, kUnknownDepartmentRule}}, B},
  };
}

TEST(Evaluator, DeviceTableGivesTheExpectedDecisionPerInterface) {
  const CompiledPolicy compiled = CompiledPolicy::compile(must_parse(kPolicy));
  for (const Case& c : device_table()) {
    SCOPED_TRACE(std::string(c.what));
    const DeviceDecision decision = compiled.decide_device(c.department, c.device);
    ASSERT_EQ(decision.interfaces.size(), c.expected.size());
    for (std::size_t i = 0; i < c.expected.size(); ++i) {
      EXPECT_EQ(decision.interfaces[i].interface, c.device.interfaces[i]);
      EXPECT_EQ(to_string(decision.interfaces[i].target), to_string(c.expected[i].target)) << "interface " << i;
      EXPECT_EQ(decision.interfaces[i].rule_id, c.expected[i].rule) << "interface " << i;
    }
    EXPECT_EQ(to_string(decision.device_target), to_string(c.device_target));
    EXPECT_FALSE(decision.device_rule_id.empty());
  }
}

TEST(Evaluator, AuditModeIsReportedWithTheDecision) {
  const CompiledPolicy compiled = CompiledPolicy::compile(must_parse(kPolicy));
  EXPECT_TRUE(compiled.decide_device("engineering", usb(0x0781, 0x5567, {kStorage})).audit);
  EXPECT_FALSE(compiled.decide_device("sales", usb(0x0781, 0x5567, {kStorage})).audit);
}

TEST(Evaluator, DeviceWithoutInterfacesIsBlockedByItsOwnRule) {
  const CompiledPolicy compiled = CompiledPolicy::compile(must_parse(kPolicy));
  const DeviceDecision decision = compiled.decide_device("sales", usb(0x0781, 0x5567, {}));
  EXPECT_EQ(decision.device_target, DeviceTarget::block);
  EXPECT_EQ(decision.device_rule_id, kNoInterfacesRule);
  EXPECT_TRUE(decision.interfaces.empty());
}

TEST(Evaluator, UnknownDepartmentBlocksEveryInterface) {
  const CompiledPolicy compiled = CompiledPolicy::compile(must_parse(kPolicy));
  const DeviceDecision decision = compiled.decide_device("nobody", usb(0x046d, 0xc31c, {kKeyboard, kAudio}));
  EXPECT_EQ(decision.device_target, DeviceTarget::block);
  EXPECT_EQ(decision.device_rule_id, kUnknownDepartmentRule);
  ASSERT_EQ(decision.interfaces.size(), 2U);
  for (const auto& i : decision.interfaces) EXPECT_EQ(i.target, DeviceTarget::block);
}

TEST(Evaluator, BuiltInDefaultsBlockEverythingUnmentioned) {
  const CompiledPolicy compiled = CompiledPolicy::compile(must_parse("[departments.sales]\n"));
  const DeviceDecision decision = compiled.decide_device("sales", usb(0x046d, 0xc31c, {kKeyboard, kStorage, kCdDrive}));
  ASSERT_EQ(decision.interfaces.size(), 3U);
  for (const auto& i : decision.interfaces) EXPECT_EQ(i.target, DeviceTarget::block);
  EXPECT_EQ(decision.interfaces[0].rule_id, "implicit:sales:other-devices");
}

TEST(Evaluator, DerivedRuleIdsNameFileAndLine) {
  const CompiledPolicy compiled =
      CompiledPolicy::compile(must_parse("[departments.sales]\ndevices = [\n  'allow with-interface 03:*:*',\n]\n",
                                         "/etc/custos/site.toml"));
  const DeviceDecision decision = compiled.decide_device("sales", usb(0x046d, 0xc31c, {kKeyboard}));
  ASSERT_EQ(decision.interfaces.size(), 1U);
  EXPECT_EQ(decision.interfaces[0].rule_id, "site.toml:3");
}

TEST(Evaluator, HotPathReusesTheDecisionAndMatchesTheConvenienceCall) {
  const CompiledPolicy compiled = CompiledPolicy::compile(must_parse(kPolicy));
  const auto sales = compiled.department_index("sales");
  ASSERT_TRUE(sales.has_value());
  EXPECT_FALSE(compiled.department_index("nobody").has_value());
  DeviceDecision reused;
  for (const Case& c : device_table()) {
    const DeviceDecision fresh = compiled.decide_device(c.department, c.device);
    compiled.decide_device(compiled.department_index(c.department), c.device, reused);
    ASSERT_EQ(reused.interfaces.size(), fresh.interfaces.size());
    for (std::size_t i = 0; i < fresh.interfaces.size(); ++i) {
      EXPECT_EQ(reused.interfaces[i].target, fresh.interfaces[i].target);
      EXPECT_EQ(reused.interfaces[i].rule_id, fresh.interfaces[i].rule_id);
    }
  }
}

// ---- the index must never change an answer -----------------------------------

// A plain reading of the language, rule by rule, with no index and no interning.
bool reference_condition(const Condition& c, const Device& d, std::size_t current) {
  auto scalar = [&](auto matches, std::size_t n) {
    std::size_t hits = 0;
    for (std::size_t i = 0; i < n; ++i) hits += matches(i) ? 1 : 0;
    switch (c.op) {
      case SetOp::one_of: return hits > 0;
      case SetOp::all_of:
      case SetOp::equals: return hits == n;
      case SetOp::none_of: return hits == 0;
    }
    return false;
  };
  const std::string* text = c.attribute == Attribute::serial ? &d.serial
                            : c.attribute == Attribute::name ? &d.name
                            : c.attribute == Attribute::hash ? &d.hash
                                                             : &d.via_port;
  switch (c.attribute) {
    case Attribute::id:
      return scalar([&](std::size_t i) { return c.ids[i].matches(d.vendor_id, d.product_id); }, c.ids.size());
    case Attribute::with_connect_type:
      return scalar([&](std::size_t i) { return c.connect_types[i] == d.connect_type; }, c.connect_types.size());
    case Attribute::with_interface: {
      auto any = [&](const InterfaceClass& x) {
        for (const auto& p : c.interfaces) {
          if (p.matches(x)) return true;
        }
        return false;
      };
      auto each_present = [&] {
        for (const auto& p : c.interfaces) {
          bool found = false;
          for (const auto& x : d.interfaces) found = found || p.matches(x);
          if (!found) return false;
        }
        return true;
      };
      bool all_any = true;
      for (const auto& x : d.interfaces) all_any = all_any && any(x);
      switch (c.op) {
        case SetOp::one_of: return any(d.interfaces[current]);
        case SetOp::none_of: return !any(d.interfaces[current]);
        case SetOp::all_of: return any(d.interfaces[current]) && each_present();
        case SetOp::equals: return all_any && each_present();
      }
      return false;
    }
    default:
      return scalar([&](std::size_t i) { return c.strings[i] == *text; }, c.strings.size());
  }
}

// Which candidate list the evaluator files a rule under (see index_rule).
std::string list_of(const DeviceRule& rule) {
  for (const auto& c : rule.conditions) {
    if (c.attribute != Attribute::id || c.op != SetOp::one_of) continue;
    bool exact = true, vendor = true;
    for (const auto& p : c.ids) {
      exact = exact && !p.any_vendor && !p.any_product;
      vendor = vendor && !p.any_vendor;
    }
    if (exact) return "exact";
    if (vendor) return "vendor";
  }
  return "generic";
}

TEST(Evaluator, IndexedEvaluationAgreesWithAPlainScan) {
  std::mt19937 random(20261126);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const std::vector<std::string> vids = {"0781", "1234", "046d", "05e3", "0bda", "18d1", "1a2c", "*"};
  const std::vector<std::string> pids = {"5581", "0001", "0002", "0003", "0004", "*"};
  const std::vector<std::string> ifaces = {"08:06:50", "03:*:*", "08:*:*", "06:01:01", "*:*:*", "09:00:00"};
  const std::vector<std::string> ops = {"", "one-of ", "all-of ", "none-of ", "equals "};
  std::string text = "[departments.d]\nother_devices = \"allow\"\ndevices = [\n";
  for (int r = 0; r < 300; ++r) {
    std::string rule = std::vector<std::string>{"allow", "block", "read_only"}[static_cast<std::size_t>(pick(3))];
    // Every rule tests the id, mostly an exact one or a vendor, so that all
    // three candidate lists (exact, vendor, generic) decide some interfaces.
    {
      const std::string op = pick(8) == 0 ? ops[static_cast<std::size_t>(pick(5))] : std::string();
      const std::string vid = vids[static_cast<std::size_t>(pick(10) == 0 ? 7 : pick(7))];
      const std::string id = vid + ":" + pids[static_cast<std::size_t>(pick(6))];
      rule += op.empty() ? " id " + id : " id " + op + "{ " + id + " 0781:0001 }";
    }
    if (pick(2) == 0) rule += pick(2) ? " serial \"S1\"" : " serial one-of { \"S2\" \"S3\" }";
    if (pick(3) > 0) {
      const std::string op = ops[static_cast<std::size_t>(pick(5))];
      const std::string iface = ifaces[static_cast<std::size_t>(pick(6))];
      rule += op.empty() ? " with-interface " + iface : " with-interface " + op + "{ " + iface + " 03:01:01 }";
    }
    if (pick(6) == 0) rule += " with-connect-type \"hotplug\"";
    text += "  '" + rule + "',\n";
  }
  text += "]\n";
  const Policy policy = must_parse(text);
  const CompiledPolicy compiled = CompiledPolicy::compile(policy);
  const Department& department = policy.departments().front();
  const std::vector<std::uint16_t> vid_values = {0x0781, 0x1234, 0x046d, 0x05e3, 0x0bda, 0x18d1, 0x1a2c, 0x9999};
  const std::vector<std::uint16_t> pid_values = {0x5581, 0x0001, 0x0002, 0x0003, 0x0004, 0x7777};
  const std::vector<InterfaceClass> iface_values = {kStorage, kKeyboard, kMouse, kMtp, kHub, kCdDrive};
  std::map<std::string, int> decided_by;  // candidate list of the deciding rule -> count
  for (int n = 0; n < 4000; ++n) {
    Device d = usb(vid_values[static_cast<std::size_t>(pick(8))], pid_values[static_cast<std::size_t>(pick(6))], {});
    d.serial = std::vector<std::string>{"S1", "S2", "S3", "S4"}[static_cast<std::size_t>(pick(4))];
    d.connect_type = pick(2) ? ConnectType::hotplug : ConnectType::hardwired;
    for (int k = 0, count = 1 + pick(3); k < count; ++k) d.interfaces.push_back(iface_values[static_cast<std::size_t>(pick(6))]);
    const DeviceDecision decision = compiled.decide_device("d", d);
    ASSERT_EQ(decision.interfaces.size(), d.interfaces.size());
    for (std::size_t i = 0; i < d.interfaces.size(); ++i) {
      std::string_view expected = "implicit:d:";
      for (const DeviceRule& rule : department.rules) {
        bool all = true;
        for (const auto& c : rule.conditions) all = all && reference_condition(c, d, i);
        if (all) {
          expected = rule.id;
          ++decided_by[list_of(rule)];
          break;
        }
      }
      if (expected == "implicit:d:") {
        EXPECT_TRUE(decision.interfaces[i].rule_id.starts_with("implicit:d:")) << decision.interfaces[i].rule_id;
      } else {
        EXPECT_EQ(decision.interfaces[i].rule_id, expected) << "device " << n << " interface " << i;
      }
    }
  }
  // The comparison proves something only if rules from every candidate list decided.
  EXPECT_GT(decided_by["exact"], 100);
  EXPECT_GT(decided_by["vendor"], 100);
  EXPECT_GT(decided_by["generic"], 100);
}

}  // namespace
}  // namespace custos::policy
