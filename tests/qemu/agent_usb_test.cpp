// The real custos-agent on a real Linux kernel, in a QEMU guest: offline
// with a policy bundle signed here by the policy library, it enforces
// department "lab" on USB devices hot-plugged through QEMU's monitor —
// a stick present at boot and one no rule allows are blocked (no disk), an
// allow-listed stick is usable, a read_only stick mounts read-only and
// refuses writes, a CD drive is blocked, also one that carries the
// allow-listed stick's serial (caught by its SCSI type), a keyboard works,
// and each decision names the user at the workstation;
// killed with SIGKILL, the agent leaves new devices unauthorized. A bundle
// under another key or for another department is refused before any device
// is touched. The guest reports what it saw (scenarios/agent_usb.sh); the
// agent's SQLite outbox comes back and every decision in it is checked.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "custos/platform/signing.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/policy/bundle.hpp"
#include "custos/policy/parser.hpp"
#include "guest_image.hpp"
#include "guest_test.hpp"
#include "host_tools.hpp"
#include "qemu_guest.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

// Department "lab": mass storage and optical drives blocked unless a rule
// says otherwise; one stick allowed and one read-only, each by serial and as
// a stick (08:06:50) only; keyboards and mice allowed; nothing else.
constexpr const char* kPolicy = R"([departments.lab]
removable_storage = "block"
optical = "block"
other_devices = "block"
devices = [
  'allow with-interface 03:*:* label "hid"',
  'allow id 46f4:0001 serial "CUSTOS-ALLOW-0002" with-interface 08:06:50 label "approved-stick"',
  'read_only id 46f4:0001 serial "CUSTOS-RO-0003" with-interface 08:06:50 label "read-only-stick"',
]
)";

struct OutboxEvent {
  std::int64_t seq = 0;
  std::string kind;
  std::int64_t severity = 0;
  json::object detail;
};

// Every event of the outbox file, in sequence order.
Result<std::vector<OutboxEvent>> read_outbox(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return fail(ErrorCode::io, "cannot open " + file.string());
  }
  sqlite3_stmt* stmt = nullptr;
  std::vector<OutboxEvent> events;
  Result<void> outcome = ok();
  if (sqlite3_prepare_v2(db, "SELECT seq, kind, severity, detail FROM events ORDER BY seq", -1, &stmt, nullptr) !=
      SQLITE_OK) {
    outcome = fail(ErrorCode::corrupt, std::string("no events table: ") + sqlite3_errmsg(db));
  }
  while (outcome && sqlite3_step(stmt) == SQLITE_ROW) {
    OutboxEvent e;
    e.seq = sqlite3_column_int64(stmt, 0);
    e.kind = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
    e.severity = sqlite3_column_int64(stmt, 2);
    boost::system::error_code ec;
    auto detail = json::parse(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)), ec);
    if (ec || !detail.is_object()) {
      outcome = fail(ErrorCode::corrupt, "event " + std::to_string(e.seq) + " has no JSON object as detail");
      break;
    }
    e.detail = std::move(detail.as_object());
    events.push_back(std::move(e));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!outcome) return fail(outcome.error());
  return events;
}

std::string text(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return "(absent)";
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

// Writes `bytes` to `file`.
void save(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary) << bytes;
}

// The agent's log as the guest sent it (gzip), for failure messages.
std::string agent_log(QemuGuest& guest) {
  auto packed = guest.read_back("/outbox/agent.log.gz");
  if (!packed) return "(not sent)";
  const auto file = guest.run_dir() / "agent.log.gz";
  save(file, *packed);
  auto text = run_tool({"gzip", "-dcf", file.string()});
  return text ? *text : text.error().describe();
}

TEST(AgentUsbTest, TheAgentEnforcesItsPolicyOnARealKernel) {
  ASSERT_OK(init_crypto());
  auto run = fresh_run_dir("agent_usb");
  ASSERT_OK(run);

  // The policy bundle, signed with the real code and a key of this run.
  const SigningKey key = SigningKey::generate();
  auto parsed = policy::parse_policy(kPolicy, "agent_usb.toml");
  ASSERT_TRUE(parsed.ok) << parsed.format();
  const auto now = now_seconds();
  auto bundle = policy::make_signed_bundle(
      *parsed.policy, {.department = "lab", .version = 1, .issued_at = now - 60, .expires_at = now + 3600}, key);
  ASSERT_OK(bundle);
  std::ofstream(*run / "policy.bundle") << *bundle;
  std::ofstream(*run / "policy.pub") << key.public_key().to_string() << "\n";
  std::ofstream(*run / "other.pub") << SigningKey::generate().public_key().to_string() << "\n";
  // Debug information only slows the guest's boot (the initramfs is
  // unpacked under emulation); the code is the same.
  ASSERT_OK(run_tool({"objcopy", "--strip-debug", CUSTOS_AGENT_BINARY, (*run / "custos-agent").string()}));

  auto image = build_guest_image({.name = "agent_usb",
                                  .scenario = CUSTOS_SOURCE_DIR "/tests/qemu/scenarios/agent_usb.sh",
                                  .files = {{*run / "custos-agent", "/usr/local/bin/custos-agent"},
                                            {*run / "policy.bundle", "/etc/custos/policy.bundle"},
                                            {*run / "policy.pub", "/etc/custos/policy.pub"},
                                            {*run / "other.pub", "/etc/custos/other.pub"}},
                                  .modules = {}});
  ASSERT_TRUE(image) << image.error().describe();

  const auto img = [&](const char* name) { return *run / name; };
  ASSERT_OK(make_vfat_image(img("boot.img"), 8, {{"HELLO.TXT", "hello from the boot stick"}}));
  ASSERT_OK(make_vfat_image(img("blocked.img"), 8, {{"HELLO.TXT", "hello from a blocked stick"}}));
  ASSERT_OK(make_vfat_image(img("allowed.img"), 8, {}));
  ASSERT_OK(make_vfat_image(img("ro.img"), 8, {{"HELLO.TXT", "hello from the read-only stick"}}));
  ASSERT_OK(make_vfat_image(img("late.img"), 8, {}));
  ASSERT_OK(make_iso_image(img("cd.iso"), "CUSTOS_CD", {{"hello.txt", "hello from the CD"}}));

  QemuGuestOptions options;
  options.image = *image;
  options.run_dir = *run;
  // No usbcore.authorized_default=0: making new devices arrive
  // unauthorized is the agent's job.
  options.initial_devices = {UsbDevice::stick("boot", img("boot.img"), 8, "CUSTOS-BOOT-0008")};
  auto started = QemuGuest::start(std::move(options));
  ASSERT_TRUE(started) << started.error().describe();
  QemuGuest& guest = **started;

  // Limits for a loaded machine and a sanitizer build of the agent, whose
  // every start (the scenario polls `custos-agent status`) costs seconds
  // under emulation; an idle machine needs a fraction.
  const auto step = [&](const char* mark) { return reached(guest, mark, seconds(180)); };
  ASSERT_TRUE(step("agent-ready"));
  ASSERT_TRUE(step("plug-blocked-stick"));
  ASSERT_OK(guest.plug_stick("blocked", img("blocked.img"), 1, "CUSTOS-BLOCK-0001"));
  ASSERT_TRUE(step("plug-allowed-stick"));
  ASSERT_OK(guest.plug_stick("allowed", img("allowed.img"), 6, "CUSTOS-ALLOW-0002"));
  ASSERT_TRUE(step("plug-read-only-stick"));
  ASSERT_OK(guest.plug_stick("ro", img("ro.img"), 3, "CUSTOS-RO-0003"));
  ASSERT_TRUE(step("plug-cdrom"));
  ASSERT_OK(guest.plug_cdrom("cdrom", img("cd.iso"), 2));
  ASSERT_TRUE(step("plug-disguised-cdrom"));
  ASSERT_OK(guest.plug_cdrom("disguised", img("cd.iso"), 7, "CUSTOS-ALLOW-0002"));
  ASSERT_TRUE(step("plug-keyboard"));
  ASSERT_OK(guest.plug_keyboard("keyboard", 4));
  ASSERT_TRUE(step("plug-late-stick"));
  ASSERT_OK(guest.plug_stick("late", img("late.img"), 5, "CUSTOS-LATE-0005"));

  auto exit_code = guest.wait_exit(seconds(180));
  ASSERT_TRUE(exit_code) << exit_code.error().describe();
  EXPECT_EQ(*exit_code, 0) << "the scenario failed: " << guest.report("error").value_or("(no error reported)")
                           << "\nreports:\n" << reports_text(guest) << "\nagent log:\n" << agent_log(guest);
  EXPECT_EQ(guest.report("error"), std::nullopt);

  // --- What the guest saw --------------------------------------------------
  auto report = [&](const char* name) { return guest.report(name).value_or("(not reported)"); };
  // The kernel's own default lets devices in; the agent changes that.
  EXPECT_NE(report("before.usb2.authorized_default"), "0");
  EXPECT_EQ(report("before.boot_stick.authorized"), "1");
  // Refused bundles: exit 1, no device touched.
  EXPECT_EQ(report("refused.exit"), "1");
  EXPECT_EQ(report("refused.usb2.authorized_default"), report("before.usb2.authorized_default"));
  EXPECT_EQ(report("refused.boot_stick.authorized"), "1");
  EXPECT_EQ(report("refused_department.exit"), "1");
  auto refused_log = guest.read_back("/outbox/refused.log");
  ASSERT_OK(refused_log);
  EXPECT_NE(refused_log->find("crypto"), std::string::npos) << *refused_log;
  // Running: new devices arrive unauthorized; the stick present at start is blocked.
  EXPECT_EQ(report("agent.mode"), "\"mode\":\"offline\"");
  EXPECT_EQ(report("after.usb1.authorized_default"), "0");
  EXPECT_EQ(report("after.usb2.authorized_default"), "0");
  EXPECT_EQ(report("after.usb2.interface_authorized_default"), "0");
  EXPECT_EQ(report("after.boot_stick.authorized"), "0");
  EXPECT_EQ(report("after.boot_stick.disk"), "none");
  // A stick no rule allows.
  EXPECT_EQ(report("blocked.serial"), "CUSTOS-BLOCK-0001");
  EXPECT_EQ(report("blocked.decision"), "block");
  EXPECT_EQ(report("blocked.authorized"), "0");
  EXPECT_EQ(report("blocked.disk"), "none");
  // The allow-listed stick: usable.
  EXPECT_EQ(report("allowed.serial"), "CUSTOS-ALLOW-0002");
  EXPECT_EQ(report("allowed.authorized"), "1");
  EXPECT_EQ(report("allowed.interface"), "08/06/50");
  EXPECT_EQ(report("allowed.getro"), "0");
  EXPECT_EQ(report("allowed.write"), "succeeded");
  // The read-only stick.
  EXPECT_EQ(report("read_only.serial"), "CUSTOS-RO-0003");
  EXPECT_EQ(report("read_only.authorized"), "1");
  EXPECT_EQ(report("read_only.getro"), "1");
  EXPECT_EQ(report("read_only.mount_options"), "ro");
  EXPECT_EQ(report("read_only.read"), "hello from the read-only stick");
  EXPECT_EQ(report("read_only.write"), "failed");
  // The CD drives.
  EXPECT_EQ(report("cdrom.decision"), "block");
  EXPECT_EQ(report("cdrom.authorized"), "0");
  EXPECT_EQ(report("cdrom.sr"), "none");
  EXPECT_EQ(report("disguised.decision"), "block");
  EXPECT_EQ(report("disguised.authorized"), "0");
  EXPECT_EQ(report("disguised.sr"), "none");
  // The keyboard.
  EXPECT_EQ(report("keyboard.authorized"), "1");
  EXPECT_EQ(report("keyboard.driver"), "usbhid");
  EXPECT_EQ(report("keyboard.interface"), "03/01/01");
  EXPECT_EQ(report("keyboard.input"), "present");
  // Killed: still blocked.
  EXPECT_EQ(report("killed.agent"), "gone");
  EXPECT_EQ(report("killed.usb2.authorized_default"), "0");
  EXPECT_EQ(report("late.serial"), "CUSTOS-LATE-0005");
  EXPECT_EQ(report("late.authorized"), "0");
  EXPECT_EQ(report("late.disk"), "none");

  // --- What the agent said it enforces -----------------------------------
  auto status_text = guest.read_back("/outbox/status.json");
  ASSERT_OK(status_text);
  boost::system::error_code ec;
  auto status = json::parse(*status_text, ec);
  ASSERT_FALSE(ec) << *status_text;
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(text(status.as_object(), "mode"), "offline");
  EXPECT_EQ(text(status.as_object(), "department"), "lab");
  EXPECT_EQ(text(status.as_object(), "policy_version"), "1");
  EXPECT_EQ(text(status.as_object(), "policy_file"), "/etc/custos/policy.bundle");

  // --- The outbox, as the killed agent left it ------------------------------
  const auto copy = *run / "outbox-copy";
  std::filesystem::create_directories(copy);
  auto packed = guest.read_back("/outbox/outbox.tar.gz");
  ASSERT_OK(packed);
  save(*run / "outbox.tar.gz", *packed);
  ASSERT_OK(run_tool({"tar", "-xzf", (*run / "outbox.tar.gz").string(), "-C", copy.string()}));
  auto events = read_outbox(copy / "outbox.db");
  ASSERT_OK(events);

  std::map<std::string, int> kinds;
  std::map<std::string, std::vector<json::object>> decisions;  // by USB device name
  std::vector<json::object> refusals, applied, read_only;
  std::int64_t last_seq = 0;
  for (const auto& e : *events) {
    EXPECT_GT(e.seq, last_seq);
    last_seq = e.seq;
    ++kinds[e.kind];
    if (e.kind == "device.decision") decisions[text(e.detail, "name")].push_back(e.detail);
    if (e.kind == "policy.refused") refusals.push_back(e.detail);
    if (e.kind == "policy.applied") applied.push_back(e.detail);
    if (e.kind == "device.read_only") read_only.push_back(e.detail);
  }
  std::string all;
  for (const auto& e : *events) all += std::to_string(e.seq) + " " + e.kind + " " + json::serialize(e.detail) + "\n";
  SCOPED_TRACE("outbox:\n" + all);

  // The refused starts and the real one.
  ASSERT_EQ(refusals.size(), 2u);
  EXPECT_EQ(text(refusals[0], "code"), "crypto");
  EXPECT_EQ(text(refusals[0], "source"), "file");
  EXPECT_EQ(text(refusals[1], "code"), "permission_denied");
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(text(applied[0], "version"), "1");
  EXPECT_EQ(text(applied[0], "source"), "file");
  EXPECT_EQ(kinds["agent.started"], 1);
  EXPECT_EQ(kinds["device.enforcement_failed"], 0);

  // Each device's decision: descriptor, interface, decision, rule.
  struct Expected {
    const char* name;
    const char* id;
    const char* serial;
    const char* interface;
    const char* decision;            // the device's: allow (authorized) or block
    const char* rule;
    const char* interface_decision;  // allow, read_only or block
  };
  const auto check = [&](const json::object& d, const Expected& want) {
    SCOPED_TRACE(want.name);
    EXPECT_EQ(text(d, "device"), want.id);
    if (want.serial != nullptr) {
      EXPECT_EQ(text(d, "serial"), want.serial);
    }
    EXPECT_EQ(text(d, "hash").size() > 8, true) << text(d, "hash");
    EXPECT_EQ(text(d, "decision"), want.decision);
    EXPECT_EQ(text(d, "rule"), want.rule);
    EXPECT_EQ(text(d, "department"), "lab");
    EXPECT_EQ(text(d, "policy_version"), "1");
    EXPECT_EQ(text(d, "enforced"), "true");
    EXPECT_EQ(text(d, "user"), "alice");
    EXPECT_EQ(text(d, "uid"), "1000");
    ASSERT_TRUE(d.contains("interfaces") && d.at("interfaces").is_array());
    const auto& interfaces = d.at("interfaces").as_array();
    ASSERT_EQ(interfaces.size(), 1u);
    const auto& i = interfaces[0].as_object();
    EXPECT_EQ(text(i, "name"), std::string(want.name) + ":1.0");
    EXPECT_EQ(text(i, "interface"), want.interface);
    EXPECT_EQ(text(i, "decision"), want.interface_decision);
    EXPECT_EQ(text(i, "rule"), want.rule);
  };
  const auto only = [&](const char* name) -> const json::object* {
    const auto found = decisions.find(name);
    EXPECT_TRUE(found != decisions.end() && found->second.size() == 1) << name;
    return found == decisions.end() || found->second.empty() ? nullptr : &found->second.front();
  };
  const Expected once[] = {
      {"2-8", "46f4:0001", "CUSTOS-BOOT-0008", "08:06:50", "block", "implicit:lab:removable-storage", "block"},
      {"2-1", "46f4:0001", "CUSTOS-BLOCK-0001", "08:06:50", "block", "implicit:lab:removable-storage", "block"},
      {"2-6", "46f4:0001", "CUSTOS-ALLOW-0002", "08:06:50", "allow", "approved-stick", "allow"},
      {"2-3", "46f4:0001", "CUSTOS-RO-0003", "08:06:50", "allow", "read-only-stick", "read_only"},
      {"2-2", "46f4:0001", nullptr, "08:06:50", "block", "implicit:lab:removable-storage", "block"},
      {"1-4", "0627:0001", nullptr, "03:01:01", "allow", "hid", "allow"},
  };
  for (const auto& want : once) {
    if (const auto* d = only(want.name); d != nullptr) check(*d, want);
  }
  // The disguised CD drive: allowed as the stick it claims to be, then
  // blocked as the optical drive it is.
  const auto disguised = decisions.find("2-7");
  ASSERT_TRUE(disguised != decisions.end());
  ASSERT_GE(disguised->second.size(), 2u);
  check(disguised->second.front(),
        {"2-7", "46f4:0001", "CUSTOS-ALLOW-0002", "08:06:50", "allow", "approved-stick", "allow"});
  check(disguised->second.back(),
        {"2-7", "46f4:0001", "CUSTOS-ALLOW-0002", "08:02:50", "block", "implicit:lab:optical", "block"});
  // The read-only stick's disk was set read-only when it appeared.
  ASSERT_FALSE(read_only.empty());
  EXPECT_EQ(text(read_only.front(), "device"), "2-3");
  EXPECT_EQ(text(read_only.front(), "read_only"), "true");
  // Nothing decided the stick plugged after the kill.
  EXPECT_EQ(decisions.count("2-5"), 0u);
}

}  // namespace
}  // namespace custos::testing
