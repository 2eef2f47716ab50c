// Device control over the real sysfs adapters and a fake sysfs tree (see
// platform/device/testing/fake_sysfs.hpp: keyboard 1-1, composite 1-2 with a
// keyboard and a CD drive, stick 2-1 serial SN-0001), with scripted uevents.
#include "custos/agent/device_control.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "custos/device/fake.hpp"
#include "custos/device/linux.hpp"
#include "testing/fake_sysfs.hpp"
#include "testing_support.hpp"

namespace custos::agent {
namespace {

using device::testing::FakeSysfs;

SigningKey make_key() {
  EXPECT_TRUE(init_crypto());
  return SigningKey::generate();
}

constexpr const char* kApprovedStick = R"([defaults]
other_devices = "allow"
[departments.claims]
devices = ['allow id 46f4:0001 serial "SN-0001" label "approved-stick"']
)";

struct DeviceControlTest : ::testing::Test {
  FakeSysfs sysfs;
  device::PosixFileOps posix;
  device::FaultyFileOps files{posix};
  device::SysfsUsbBus bus{files, sysfs.sys()};
  device::SysfsUsbAuthorizer authorizer{files, sysfs.sys()};
  device::SysfsBlockDevices blocks{files, sysfs.sys(), sysfs.dev(), sysfs.mountinfo()};
  testing::TempDir dir;
  SigningKey key = make_key();
  testing::RecordingSink events;
  PolicyKeeper keeper{key.public_key(), "claims", dir.path() / "policy.bundle", events};

  std::string attribute(std::string_view name, const char* which) const {
    auto text = FakeSysfs::read(sysfs.usb_folder(name) / which);
    return text.substr(0, text.find('\n'));
  }
  void apply(std::string_view policy_text, std::uint64_t version = 1) {
    auto applied = keeper.offer(testing::signed_bundle(key, policy_text, "claims", version));
    ASSERT_TRUE(applied) << applied.error().describe();
  }
  // The last decision event about USB device `name`.
  std::optional<testing::RecordedEvent> decision(std::string_view name, std::string_view kind = "device.decision") const {
    std::optional<testing::RecordedEvent> found;
    for (const auto& e : events.of(kind)) {
      if (e.detail.at("name").as_string() == name) found = e;
    }
    return found;
  }
};

TEST_F(DeviceControlTest, BeforeAnyPolicyStorageAndOpticalAreBlockedKeyboardsWork) {
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  auto started = control.start();
  ASSERT_TRUE(started) << started.error().describe();
  EXPECT_TRUE(*started);
  for (const char* hub : {"usb1", "usb2"}) {
    EXPECT_EQ(attribute(hub, "authorized_default"), "0") << hub;
    EXPECT_EQ(attribute(hub, "interface_authorized_default"), "0") << hub;
  }
  EXPECT_EQ(attribute("2-1", "authorized"), "0");  // the stick
  EXPECT_EQ(attribute("1-1", "authorized"), "1");  // the keyboard
  // The composite keeps its keyboard and loses its CD drive.
  EXPECT_EQ(attribute("1-2", "authorized"), "1");
  EXPECT_EQ(attribute("1-2:1.0", "authorized"), "1");
  EXPECT_EQ(attribute("1-2:1.1", "authorized"), "0");

  auto stick = decision("2-1");
  ASSERT_TRUE(stick);
  EXPECT_EQ(stick->severity, Severity::warning);
  EXPECT_EQ(stick->detail.at("decision").as_string(), "block");
  EXPECT_EQ(stick->detail.at("rule").as_string(), kNoPolicyRule);
  EXPECT_EQ(stick->detail.at("device").as_string(), "46f4:0001");
  EXPECT_EQ(stick->detail.at("serial").as_string(), "SN-0001");
  EXPECT_EQ(stick->detail.at("interfaces").as_array()[0].at("interface").as_string(), "08:06:50");
  EXPECT_TRUE(stick->detail.at("enforced").as_bool());
  auto keyboard = decision("1-1");
  ASSERT_TRUE(keyboard);
  EXPECT_EQ(keyboard->severity, Severity::info);
  EXPECT_EQ(keyboard->detail.at("decision").as_string(), "allow");
  EXPECT_EQ(control.snapshot().size(), 3u);
}

TEST_F(DeviceControlTest, PolicyAllowsTheListedSerialAndTheCompositeLosesOnlyItsDrive) {
  apply(kApprovedStick);
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  ASSERT_TRUE(control.start());
  EXPECT_EQ(attribute("2-1", "authorized"), "1");
  EXPECT_EQ(attribute("2-1:1.0", "authorized"), "1");
  auto stick = decision("2-1");
  ASSERT_TRUE(stick);
  EXPECT_EQ(stick->detail.at("rule").as_string(), "approved-stick");
  EXPECT_EQ(stick->detail.at("policy_version").to_number<std::int64_t>(), 1);

  EXPECT_EQ(attribute("1-2:1.0", "authorized"), "1");
  EXPECT_EQ(attribute("1-2:1.1", "authorized"), "0");
  auto composite = decision("1-2");
  ASSERT_TRUE(composite);
  const auto& interfaces = composite->detail.at("interfaces").as_array();
  ASSERT_EQ(interfaces.size(), 2u);
  EXPECT_EQ(interfaces[0].at("decision").as_string(), "allow");
  // Its sr0 (SCSI type 5) makes the storage interface an optical drive.
  EXPECT_EQ(interfaces[1].at("interface").as_string(), "08:02:50");
  EXPECT_EQ(interfaces[1].at("decision").as_string(), "block");
  EXPECT_EQ(interfaces[1].at("rule").as_string(), "implicit:claims:optical");
}

TEST_F(DeviceControlTest, DecisionsNameTheUserAtTheWorkstationWhenThereIsOne) {
  const auto sessions = dir.path() / "sessions";
  std::filesystem::create_directories(sessions);
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  control.set_seat_user([&sessions] { return device::active_seat_user(sessions); });
  ASSERT_TRUE(control.start());
  auto stick = decision("2-1");
  ASSERT_TRUE(stick);
  EXPECT_EQ(stick->detail.if_contains("user"), nullptr);  // nobody logged in: no guess

  FakeSysfs::write(sessions / "3", "UID=1000\nUSER=zhang.san\nACTIVE=1\nSTATE=active\nREMOTE=0\nCLASS=user\nSEAT=seat0\n");
  control.rescan();
  stick = decision("2-1");
  ASSERT_TRUE(stick);
  ASSERT_NE(stick->detail.if_contains("user"), nullptr);
  EXPECT_EQ(stick->detail.at("user").as_string(), "zhang.san");
  EXPECT_EQ(stick->detail.at("uid").to_number<std::int64_t>(), 1000);
}

TEST_F(DeviceControlTest, ANewPolicyIsAppliedToTheDevicesPresent) {
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  ASSERT_TRUE(control.start());
  EXPECT_EQ(attribute("2-1", "authorized"), "0");
  apply(kApprovedStick);
  control.rescan();
  EXPECT_EQ(attribute("2-1", "authorized"), "1");
  EXPECT_EQ(decision("2-1")->detail.at("rule").as_string(), "approved-stick");
}

TEST_F(DeviceControlTest, AStickPluggedInLaterIsBlockedOnItsUevent) {
  apply(kApprovedStick);
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  ASSERT_TRUE(control.start());
  sysfs.add_usb_device(sysfs.usb_folder("usb2"), "2-2", "0781", "5581", "OTHER-9", 3);
  sysfs.add_interface("2-2:1.0", "08", "06", "50", "usb-storage");
  const std::string path = "/devices/pci0000:00/0000:00:04.0/usb2/2-2";
  device::ScriptedUeventSource source({std::string("add@") + path + '\0' + "ACTION=add" + '\0' + "DEVPATH=" + path +
                                       '\0' + "SUBSYSTEM=usb" + '\0' + "DEVTYPE=usb_device" + '\0' + "SEQNUM=77" +
                                       '\0'});
  auto event = source.next(std::chrono::milliseconds(0));
  ASSERT_TRUE(event && *event);
  control.handle(**event);
  EXPECT_EQ(attribute("2-2", "authorized"), "0");
  auto stick = decision("2-2");
  ASSERT_TRUE(stick);
  EXPECT_EQ(stick->detail.at("rule").as_string(), "implicit:claims:removable-storage");

  device::Uevent removed;
  removed.action = device::UeventAction::remove;
  removed.subsystem = "usb";
  removed.devtype = "usb_device";
  removed.devpath = path;
  control.handle(removed);
  EXPECT_EQ(events.of("device.removed").size(), 1u);
}

TEST_F(DeviceControlTest, AnAuthorizedDeviceWhoseInterfacesComeLateIsDecidedOnThem) {
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  ASSERT_TRUE(control.start());
  // The kernel announces a device that arrives authorized before it has set
  // its configuration: for a moment it has no interfaces.
  sysfs.add_usb_device(sysfs.usb_folder("usb1"), "1-3", "0627", "0001", "", 4);
  std::thread kernel([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    sysfs.add_interface("1-3:1.0", "03", "01", "01", "usbhid");
  });
  device::Uevent added;
  added.action = device::UeventAction::add;
  added.subsystem = "usb";
  added.devtype = "usb_device";
  added.devpath = "/devices/pci0000:00/0000:00:04.0/usb1/1-3";
  control.handle(added);
  kernel.join();
  auto keyboard = decision("1-3");
  ASSERT_TRUE(keyboard);
  EXPECT_NE(keyboard->detail.at("rule").as_string(), "implicit:no-interfaces");
  EXPECT_EQ(attribute("1-3", "authorized"), "1");
}

TEST_F(DeviceControlTest, ReadOnlySetsTheFlagBeforeMountAndBlocksWhatIsMounted) {
  apply("[departments.claims]\nremovable_storage = \"read_only\"\n");
  device::FakeBlockDevices fake_blocks;
  fake_blocks.add({.name = "sda", .sysfs_path = "", .partition = false, .disk = "sda", .scsi_type = 0,
                   .kind = device::BlockKind::disk, .major = 8, .minor = 0},
                  "2-1:1.0");
  DeviceControl control(bus, authorizer, fake_blocks, keeper, events);
  ASSERT_TRUE(control.start());
  EXPECT_TRUE(fake_blocks.is_read_only("sda").value_or(false));
  EXPECT_EQ(attribute("2-1:1.0", "authorized"), "1");
  auto stick = decision("2-1");
  ASSERT_TRUE(stick);
  EXPECT_EQ(stick->detail.at("interfaces").as_array()[0].at("decision").as_string(), "read_only");
  EXPECT_EQ(stick->detail.at("read_only").as_array()[0].as_string(), "sda");

  // A partition that appears later is flagged on its add event.
  fake_blocks.add({.name = "sda1", .sysfs_path = "", .partition = true, .disk = "sda", .scsi_type = 0,
                   .kind = device::BlockKind::disk, .major = 8, .minor = 1},
                  "2-1:1.0");
  device::Uevent added;
  added.action = device::UeventAction::add;
  added.subsystem = "block";
  added.devtype = "partition";
  added.devname = "sda1";
  added.devpath = "/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0/host0/target0:0:0/0:0:0:0/block/sda/sda1";
  control.handle(added);
  EXPECT_TRUE(fake_blocks.is_read_only("sda1").value_or(false));
  EXPECT_EQ(events.of("device.read_only").size(), 1u);

  // Already mounted read-write: the flag would not hold, so it is blocked.
  fake_blocks.set_mounted("sda", true);
  control.rescan();
  EXPECT_EQ(attribute("2-1:1.0", "authorized"), "0");
  auto again = decision("2-1");
  ASSERT_TRUE(again);
  const auto& only = again->detail.at("interfaces").as_array()[0];
  EXPECT_EQ(only.at("decision").as_string(), "block");
  EXPECT_NE(std::string(only.at("rule").as_string()).find("mounted read-write"), std::string::npos);
}

TEST_F(DeviceControlTest, AFailedSysfsWriteIsAnErrorEventNotASuccess) {
  files.fail(sysfs.sys() / "bus" / "usb" / "devices" / "2-1" / "authorized", EIO, device::FaultyFileOps::Op::write);
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  ASSERT_TRUE(control.start());
  EXPECT_FALSE(decision("2-1"));
  auto failed = decision("2-1", "device.enforcement_failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->severity, Severity::critical);
  EXPECT_FALSE(failed->detail.at("enforced").as_bool());
  EXPECT_EQ(failed->detail.at("decision").as_string(), "block");
  EXPECT_FALSE(failed->detail.at("errors").as_array().empty());
  for (const auto& d : control.snapshot()) {
    if (d.name == "2-1") {
      EXPECT_FALSE(d.enforced);
    }
  }
}

TEST_F(DeviceControlTest, FailedRootHubDefaultsAreReported) {
  files.fail(sysfs.sys() / "bus" / "usb" / "devices" / "usb1" / "authorized_default", EACCES,
             device::FaultyFileOps::Op::write);
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  auto started = control.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::io);
  ASSERT_EQ(events.of("device.enforcement_failed").size(), 1u);
  EXPECT_EQ(events.of("device.enforcement_failed")[0].severity, Severity::critical);
  EXPECT_EQ(attribute("2-1", "authorized"), "0");  // the devices present are decided all the same
}

TEST(DeviceControlNoBus, AMachineWithoutUsbIsIdle) {
  testing::TempDir empty;
  device::PosixFileOps posix;
  device::SysfsUsbBus bus{posix, empty.path()};
  device::SysfsUsbAuthorizer authorizer{posix, empty.path()};
  device::FakeBlockDevices blocks;
  testing::RecordingSink events;
  PolicyKeeper keeper{make_key().public_key(), "claims", empty.path() / "policy.bundle", events};
  DeviceControl control(bus, authorizer, blocks, keeper, events);
  auto started = control.start();
  ASSERT_TRUE(started) << started.error().describe();
  EXPECT_FALSE(*started);
  EXPECT_TRUE(events.events.empty());
}

}  // namespace
}  // namespace custos::agent
