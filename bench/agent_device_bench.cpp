// A plugged stick through the agent's real code path: a kernel uevent
// datagram handed out by the platform layer's ScriptedUeventSource (parsed by
// parse_uevent like a netlink one), DeviceControl::handle() reading the fake
// sysfs tree (on tmpfs, /dev/shm), the policy decision, the write of
// `authorized`, and the decision event stored in a real Outbox on disk.
// 10,000 plug/unplug cycles of a stick the department's policy blocks:
//   - latency from the datagram to the write of `authorized` (p50, p99, max)
//     and of the whole handle() including the event's durable append;
//   - open file descriptors and RSS before and after (growth = a leak).
// The ceiling is the sysfs write alone: one write_text of the same
// attribute, measured in the same run.
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "custos/agent/device_control.hpp"
#include "custos/agent/outbox.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/device/fake.hpp"
#include "custos/device/linux.hpp"
#include "custos/platform/secret.hpp"
#include "custos/platform/signing.hpp"
#include "custos/policy/bundle.hpp"
#include "custos/policy/parser.hpp"
#include "testing/fake_sysfs.hpp"

namespace {

using namespace custos;
using Clock = std::chrono::steady_clock;
using device::testing::FakeSysfs;

constexpr int kCycles = 10'000;
constexpr int kWarmUp = 200;

// Forwards to the real POSIX calls and notes when `authorized` was last
// written: the moment the kernel would have been told.
class TimedFileOps final : public device::FileOps {
 public:
  explicit TimedFileOps(device::FileOps& inner) : inner_(inner) {}
  Result<std::string> read_text(const std::filesystem::path& path, std::size_t max_bytes) const override {
    return inner_.read_text(path, max_bytes);
  }
  Result<void> write_text(const std::filesystem::path& path, std::string_view text) override {
    auto done = inner_.write_text(path, text);
    if (path.filename() == "authorized") last_authorized_write = Clock::now();
    return done;
  }
  Result<std::vector<std::string>> list_dir(const std::filesystem::path& path) const override {
    return inner_.list_dir(path);
  }
  Result<std::string> read_link(const std::filesystem::path& path) const override { return inner_.read_link(path); }
  Result<void> ioctl_int(const std::filesystem::path& path, unsigned long request, int& value) override {
    return inner_.ioctl_int(path, request, value);
  }
  Clock::time_point last_authorized_write{};

 private:
  device::FileOps& inner_;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "agent_device_bench: %s\n", what.c_str());
  std::exit(1);
}

void figure(const std::string& name, double value, const std::string& unit, int decimals = 0) {
  std::printf("%s: %.*f %s\n", name.c_str(), decimals, value, unit.c_str());
  std::fflush(stdout);
}

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

double rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return -1;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

std::string uevent(const char* action, const std::string& devpath, int seqnum) {
  std::string d = std::string(action) + "@" + devpath;
  d += '\0';
  for (const std::string& entry : {std::string("ACTION=") + action, "DEVPATH=" + devpath, std::string("SUBSYSTEM=usb"),
                                   std::string("DEVTYPE=usb_device"), std::string("PRODUCT=781/5581/100"),
                                   "SEQNUM=" + std::to_string(seqnum)}) {
    d += entry;
    d += '\0';
  }
  return d;
}

}  // namespace

int main() {
  try {
    if (!init_crypto()) die("no libsodium");
    // The daemon logs each decision (to journald); here the lines go to
    // /dev/null, still written, so that their cost stays in the figures.
    spdlog::set_default_logger(spdlog::basic_logger_mt("agent", "/dev/null"));
    // The fake tree on tmpfs, as sysfs is in memory; the outbox on disk,
    // where the agent keeps it.
    ::setenv("TMPDIR", "/dev/shm", 1);
    FakeSysfs sysfs;
    ::setenv("TMPDIR", "/tmp", 1);
    const auto state = std::filesystem::temp_directory_path() / ("custos-device-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(state);

    auto outbox = agent::Outbox::open(state / "outbox.db", std::int64_t{256} << 20);
    if (!outbox) die(outbox.error().describe());
    const auto key = SigningKey::generate();
    agent::PolicyKeeper keeper(key.public_key(), "claims", state / "policy.bundle", **outbox);
    auto report = policy::parse_policy(
        "[defaults]\nother_devices = \"allow\"\n[departments.claims]\n"
        "devices = ['allow id 46f4:0001 serial \"SN-0001\" label \"approved-stick\"']\n",
        "bench.toml");
    if (!report.ok) die(report.format());
    const auto now = now_seconds();
    auto bundle = policy::make_signed_bundle(
        *report.policy, {.department = "claims", .version = 1, .issued_at = now - 60, .expires_at = now + 86400}, key);
    if (!bundle) die(bundle.error().describe());
    if (auto applied = keeper.offer(*bundle); !applied) die(applied.error().describe());

    device::PosixFileOps posix;
    TimedFileOps files(posix);
    device::SysfsUsbBus bus(files, sysfs.sys());
    device::SysfsUsbAuthorizer authorizer(files, sysfs.sys());
    device::SysfsBlockDevices blocks(files, sysfs.sys(), sysfs.dev(), sysfs.mountinfo());
    agent::DeviceControl control(bus, authorizer, blocks, keeper, **outbox);
    if (auto started = control.start(); !started || !*started) die("device control did not start");

    const auto hub = sysfs.usb_folder("usb2");
    const auto devpath = "/" + std::filesystem::relative(hub / "2-2", sysfs.sys()).string();
    device::ScriptedUeventSource source;
    int seqnum = 1000;
    std::vector<double> to_write, to_done;
    to_write.reserve(kCycles);
    to_done.reserve(kCycles);
    std::size_t fds_before = 0;
    double rss_before = 0, rss_half = 0;
    for (int cycle = 0; cycle < kWarmUp + kCycles; ++cycle) {
      if (cycle == kWarmUp) {
        fds_before = open_fds();
        rss_before = rss_mib();
      }
      if (cycle == kWarmUp + kCycles / 2) rss_half = rss_mib();
      // Plug: the kernel creates the device's folder, then sends the event.
      sysfs.add_usb_device(hub, "2-2", "0781", "5581", "OTHER-" + std::to_string(cycle), 3);
      sysfs.add_interface("2-2:1.0", "08", "06", "50", "usb-storage");
      source.push(uevent("add", devpath, ++seqnum));
      const auto start = Clock::now();
      auto event = source.next(std::chrono::milliseconds(0));
      if (!event || !*event) die("the scripted uevent did not parse");
      control.handle(**event);
      const auto done = Clock::now();
      if (files.last_authorized_write < start) die("handle() wrote no authorized attribute");
      if (!FakeSysfs::read(hub / "2-2" / "authorized").starts_with("0")) die("the blocked stick was not deauthorized");
      if (cycle >= kWarmUp) {
        to_write.push_back(std::chrono::duration<double, std::milli>(files.last_authorized_write - start).count());
        to_done.push_back(std::chrono::duration<double, std::milli>(done - start).count());
      }
      // Unplug: the folder and its links go, then the event.
      std::filesystem::remove_all(hub / "2-2");
      std::filesystem::remove(sysfs.sys() / "bus" / "usb" / "devices" / "2-2");
      std::filesystem::remove(sysfs.sys() / "bus" / "usb" / "devices" / "2-2:1.0");
      source.push(uevent("remove", devpath, ++seqnum));
      auto removed = source.next(std::chrono::milliseconds(0));
      if (!removed || !*removed) die("the scripted remove uevent did not parse");
      control.handle(**removed);
      // The sender acknowledges what the vault took, as it would.
      if (cycle % 500 == 499) {
        auto sent = (*outbox)->oldest(1000);
        if (!sent) die(sent.error().describe());
        std::vector<std::int64_t> seqs;
        for (const auto& e : *sent) seqs.push_back(e.seq);
        if (auto gone = (*outbox)->remove(seqs); !gone) die(gone.error().describe());
      }
    }
    const auto fds_after = open_fds();
    const auto rss_after = rss_mib();

    // The ceiling: the write alone, same attribute, same tree.
    sysfs.add_usb_device(hub, "2-2", "0781", "5581", "OTHER", 3);
    std::vector<double> raw;
    for (int i = 0; i < kCycles; ++i) {
      const auto start = Clock::now();
      if (!posix.write_text(hub / "2-2" / "authorized", "0\n")) die("raw write failed");
      raw.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }

    figure("plug/unplug cycles", kCycles, "");
    figure("uevent -> sysfs write p50", percentile(to_write, 0.50), "ms", 3);
    figure("uevent -> sysfs write p99", percentile(to_write, 0.99), "ms", 3);
    figure("uevent -> sysfs write max", percentile(to_write, 1.0), "ms", 3);
    figure("uevent -> handled incl. durable event p50", percentile(to_done, 0.50), "ms", 3);
    figure("uevent -> handled incl. durable event p99", percentile(to_done, 0.99), "ms", 3);
    figure("ceiling: sysfs write alone p99", percentile(raw, 0.99), "ms", 3);
    figure("ratio p99 write / ceiling", percentile(to_write, 0.99) / percentile(raw, 0.99), "x", 1);
    figure("open fds before", static_cast<double>(fds_before), "");
    figure("open fds after", static_cast<double>(fds_after), "");
    figure("RSS before", rss_before, "MiB", 1);
    figure("RSS after half the cycles", rss_half, "MiB", 1);
    figure("RSS after", rss_after, "MiB", 1);
    std::filesystem::remove_all(state);
    return 0;
  } catch (const std::exception& e) {
    die(e.what());
  }
}
