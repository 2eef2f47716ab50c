// SysfsUsbBus and SysfsUsbAuthorizer over a fake sysfs tree shaped like the
// kernel's, with faults injected through FaultyFileOps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "custos/device/linux.hpp"
#include "testing/fake_sysfs.hpp"

namespace custos::device {
namespace {

class SysfsUsbTest : public ::testing::Test {
 protected:
  const UsbDevice* find(const std::vector<UsbDevice>& devices, std::string_view name) {
    const auto found = std::find_if(devices.begin(), devices.end(), [name](const auto& d) { return d.name == name; });
    return found == devices.end() ? nullptr : &*found;
  }

  // An attribute as the authorizer addresses it: through bus/usb/devices.
  std::filesystem::path attribute(std::string_view name, std::string_view file) const {
    return tree.sys() / "bus" / "usb" / "devices" / name / file;
  }

  testing::FakeSysfs tree;
  PosixFileOps posix;
  FaultyFileOps files{posix};
  SysfsUsbBus bus{files, tree.sys()};
  SysfsUsbAuthorizer authorizer{files, tree.sys()};
};

TEST_F(SysfsUsbTest, EnumeratesDevicesAndRootHubsSortedByName) {
  const auto devices = bus.devices();
  ASSERT_TRUE(devices) << devices.error().describe();
  std::vector<std::string> names;
  for (const auto& device : *devices) names.push_back(device.name);
  EXPECT_EQ(names, (std::vector<std::string>{"1-1", "1-2", "2-1", "usb1", "usb2"}));
}

TEST_F(SysfsUsbTest, ReadsEveryFieldOfTheQemuStick) {
  testing::FakeSysfs::write(tree.usb_folder("2-1") / "bcdDevice", "0100\n");
  testing::FakeSysfs::write(tree.usb_folder("2-1") / "bDeviceSubClass", "02\n");
  testing::FakeSysfs::write(tree.usb_folder("2-1") / "bDeviceProtocol", "01\n");
  const auto devices = bus.devices();
  ASSERT_TRUE(devices) << devices.error().describe();
  const auto* stick = find(*devices, "2-1");
  ASSERT_NE(stick, nullptr);
  EXPECT_EQ(stick->sysfs_path, "/devices/pci0000:00/0000:00:04.0/usb2/2-1");
  EXPECT_FALSE(stick->root_hub);
  EXPECT_EQ(stick->vendor_id, 0x46f4);
  EXPECT_EQ(stick->product_id, 0x0001);
  EXPECT_EQ(stick->serial, "SN-0001");
  EXPECT_EQ(stick->manufacturer, "QEMU");
  EXPECT_EQ(stick->product, "QEMU USB HARDDRIVE");
  EXPECT_EQ(stick->busnum, 2u);
  EXPECT_EQ(stick->devnum, 2u);
  EXPECT_EQ(stick->removable, Removable::removable);
  EXPECT_EQ(stick->device_class, 0);
  EXPECT_EQ(stick->device_subclass, 2);
  EXPECT_EQ(stick->device_protocol, 1);
  EXPECT_EQ(stick->bcd_device, 0x0100);
  EXPECT_TRUE(stick->authorized);
  ASSERT_EQ(stick->interfaces.size(), 1u);
  const auto& storage = stick->interfaces[0];
  EXPECT_EQ(storage.name, "2-1:1.0");
  EXPECT_EQ(storage.number, 0);
  EXPECT_EQ(storage.cls, 0x08);
  EXPECT_EQ(storage.subclass, 0x06);
  EXPECT_EQ(storage.protocol, 0x50);
  EXPECT_TRUE(storage.authorized);
  EXPECT_EQ(storage.driver, "usb-storage");
  EXPECT_EQ(stick->descriptor_hash.size(), 64u);
  EXPECT_EQ(stick->descriptor_hash, descriptor_hash(*stick));

  const auto* hub = find(*devices, "usb2");
  ASSERT_NE(hub, nullptr);
  EXPECT_TRUE(hub->root_hub);
  EXPECT_EQ(hub->device_class, 0x09);
  EXPECT_EQ(hub->removable, Removable::unknown);
  ASSERT_EQ(hub->interfaces.size(), 1u);
  EXPECT_EQ(hub->interfaces[0].name, "2-0:1.0");
}

TEST_F(SysfsUsbTest, CompositeDeviceListsBothInterfaces) {
  const auto combo = bus.device("1-2");
  ASSERT_TRUE(combo) << combo.error().describe();
  ASSERT_EQ(combo->interfaces.size(), 2u);
  EXPECT_EQ(combo->interfaces[0].name, "1-2:1.0");
  EXPECT_EQ(combo->interfaces[0].cls, 0x03);
  EXPECT_EQ(combo->interfaces[0].driver, "usbhid");
  EXPECT_EQ(combo->interfaces[1].name, "1-2:1.1");
  EXPECT_EQ(combo->interfaces[1].number, 1);
  EXPECT_EQ(combo->interfaces[1].cls, 0x08);
}

TEST_F(SysfsUsbTest, AbsentStringsAreEmptyAndAbsentNumbersAreErrors) {
  std::filesystem::remove(tree.usb_folder("1-1") / "serial");
  auto keyboard = bus.device("1-1");
  ASSERT_TRUE(keyboard) << keyboard.error().describe();
  EXPECT_TRUE(keyboard->serial.empty());
  std::filesystem::remove(tree.usb_folder("1-1") / "idVendor");
  EXPECT_EQ(bus.device("1-1").error().code, ErrorCode::not_found);
  EXPECT_EQ(bus.devices().error().code, ErrorCode::not_found);  // present but broken: not skipped
  testing::FakeSysfs::write(tree.usb_folder("1-1") / "idVendor", "xyz\n");
  EXPECT_EQ(bus.device("1-1").error().code, ErrorCode::corrupt);
}

TEST_F(SysfsUsbTest, ADeviceUnpluggedMidScanIsLeftOut) {
  // The link is gone but the entry was listed: as if unplugged between the
  // listing and the reads.
  files.fail(tree.sys() / "bus" / "usb" / "devices" / "1-1", ENOENT, FaultyFileOps::Op::link);
  const auto devices = bus.devices();
  ASSERT_TRUE(devices) << devices.error().describe();
  EXPECT_EQ(find(*devices, "1-1"), nullptr);
  EXPECT_NE(find(*devices, "2-1"), nullptr);
}

TEST_F(SysfsUsbTest, TheHashIgnoresThePortButNotTheSerial) {
  auto stick = *bus.device("2-1");
  auto moved = stick;
  moved.name = "2-4";
  moved.busnum = 3;
  moved.devnum = 9;
  moved.authorized = false;
  EXPECT_EQ(descriptor_hash(moved), stick.descriptor_hash);
  moved.serial = "SN-0002";
  EXPECT_NE(descriptor_hash(moved), stick.descriptor_hash);
  auto shifted = stick;  // length prefixes: moving a byte between strings changes the hash
  shifted.manufacturer = "QEMUQ";
  shifted.product = "EMU USB HARDDRIVE";
  EXPECT_NE(descriptor_hash(shifted), stick.descriptor_hash);
}

TEST_F(SysfsUsbTest, RejectsNamesOfTheWrongShape) {
  for (const auto* name : {"", "..", "2-1/../../x", "usb", "2-", "2-1.", "2-1:1.0", "sda", "1-1234"}) {
    EXPECT_EQ(bus.device(name).error().code, ErrorCode::invalid_argument) << name;
    EXPECT_EQ(authorizer.authorize_device(name, false).error().code, ErrorCode::invalid_argument) << name;
  }
  EXPECT_EQ(authorizer.authorize_interface("2-1", false).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(authorizer.set_authorized_default("2-1", false).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(files.writes_passed(), 0u);
  EXPECT_TRUE(is_usb_device_name("2-1.3.4"));
  EXPECT_TRUE(is_usb_interface_name("2-1.3:1.12"));
  EXPECT_TRUE(is_root_hub_name("usb12"));
}

TEST_F(SysfsUsbTest, AuthorizingWritesTheRightFiles) {
  ASSERT_TRUE(authorizer.authorize_device("2-1", false));
  EXPECT_EQ(testing::FakeSysfs::read(tree.usb_folder("2-1") / "authorized"), "0\n");
  EXPECT_EQ(*authorizer.device_authorized("2-1"), false);
  EXPECT_EQ(bus.device("2-1")->authorized, false);
  ASSERT_TRUE(authorizer.authorize_device("2-1", true));
  EXPECT_EQ(*authorizer.device_authorized("2-1"), true);

  const std::vector<std::string> hubs = {"usb1", "usb2"};
  ASSERT_TRUE(set_authorized_default_on(authorizer, hubs, false));
  EXPECT_EQ(testing::FakeSysfs::read(tree.usb_folder("usb1") / "authorized_default"), "0\n");
  EXPECT_EQ(testing::FakeSysfs::read(tree.usb_folder("usb2") / "authorized_default"), "0\n");
  EXPECT_EQ(*authorizer.authorized_default("usb2"), false);
  ASSERT_TRUE(authorizer.set_interface_authorized_default("usb1", false));
  EXPECT_EQ(*authorizer.interface_authorized_default("usb1"), false);
  EXPECT_EQ(*authorizer.interface_authorized_default("usb2"), true);
  EXPECT_EQ(testing::FakeSysfs::read(tree.sys() / "bus" / "usb" / "drivers_probe"), "");
}

TEST_F(SysfsUsbTest, ReauthorizingAnInterfaceAlsoProbesIt) {
  const auto probe = tree.sys() / "bus" / "usb" / "drivers_probe";
  ASSERT_TRUE(authorizer.authorize_interface("1-2:1.1", false));
  EXPECT_EQ(testing::FakeSysfs::read(tree.usb_folder("1-2:1.1") / "authorized"), "0\n");
  EXPECT_EQ(testing::FakeSysfs::read(tree.usb_folder("1-2:1.0") / "authorized"), "1\n");  // keyboard kept
  EXPECT_EQ(testing::FakeSysfs::read(probe), "");  // deauthorizing does not probe
  EXPECT_EQ(*authorizer.interface_authorized("1-2:1.1"), false);
  EXPECT_FALSE(bus.device("1-2")->interfaces[1].authorized);

  ASSERT_TRUE(authorizer.authorize_interface("1-2:1.1", true));
  EXPECT_EQ(testing::FakeSysfs::read(tree.usb_folder("1-2:1.1") / "authorized"), "1\n");
  EXPECT_EQ(testing::FakeSysfs::read(probe), "1-2:1.1");
  EXPECT_EQ(files.writes_passed(), 3u);
}

TEST_F(SysfsUsbTest, AFailedWriteIsAnErrorWithItsCode) {
  const auto authorized = attribute("2-1", "authorized");
  files.fail(authorized, EIO, FaultyFileOps::Op::write);
  const auto failed = authorizer.authorize_device("2-1", false);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::io);
  EXPECT_NE(failed.error().message.find("2-1/authorized"), std::string::npos) << failed.error().message;
  EXPECT_EQ(testing::FakeSysfs::read(authorized), "1\n");  // nothing was written

  files.fail(attribute("usb1", "authorized_default"), EACCES);
  EXPECT_EQ(authorizer.set_authorized_default("usb1", false).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(authorizer.authorized_default("usb1").error().code, ErrorCode::permission_denied);
  const std::vector<std::string> hubs = {"usb1", "usb2"};
  EXPECT_EQ(set_authorized_default_on(authorizer, hubs, false).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(*authorizer.authorized_default("usb2"), true);  // stopped at the first failure
}

TEST_F(SysfsUsbTest, AFailedProbeIsAnErrorEvenThoughTheInterfaceIsAuthorized) {
  files.fail(tree.sys() / "bus" / "usb" / "drivers_probe", EACCES);
  ASSERT_TRUE(authorizer.authorize_interface("2-1:1.0", false));
  const auto failed = authorizer.authorize_interface("2-1:1.0", true);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::permission_denied);
  EXPECT_NE(failed.error().message.find("no driver was bound"), std::string::npos) << failed.error().message;
}

TEST_F(SysfsUsbTest, ReadBackOfAnUnexpectedValueIsCorrupt) {
  testing::FakeSysfs::write(tree.usb_folder("usb1") / "authorized_default", "2\n");
  EXPECT_EQ(authorizer.authorized_default("usb1").error().code, ErrorCode::corrupt);
  EXPECT_EQ(authorizer.device_authorized("9-9").error().code, ErrorCode::not_found);
}

TEST_F(SysfsUsbTest, AFailedReadDuringEnumerationIsAnError) {
  files.fail(tree.usb_folder("2-1:1.0") / "bInterfaceClass", EIO);
  EXPECT_EQ(bus.devices().error().code, ErrorCode::io);
  files.fail(tree.sys() / "bus" / "usb" / "devices", EACCES);
  EXPECT_EQ(bus.devices().error().code, ErrorCode::permission_denied);
}

}  // namespace
}  // namespace custos::device
