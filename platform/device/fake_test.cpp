#include "custos/device/fake.hpp"

#include <gtest/gtest.h>

namespace custos::device {
namespace {

UsbInterface interface(std::string name, std::uint8_t number, std::uint8_t cls) {
  UsbInterface out;
  out.name = std::move(name);
  out.number = number;
  out.cls = cls;
  return out;
}

BlockDevice block(std::string name, std::string disk, BlockKind kind) {
  BlockDevice out;
  out.name = std::move(name);
  out.partition = out.name != disk;
  out.disk = std::move(disk);
  out.kind = kind;
  return out;
}

UsbDevice combo() {
  UsbDevice device;
  device.name = "1-2";
  device.vendor_id = 0x1234;
  device.interfaces = {interface("1-2:1.0", 0, 0x03), interface("1-2:1.1", 1, 0x08)};
  return device;
}

TEST(FakeUsb, AuthorizerChangesWhatTheBusShowsAndLogsIt) {
  FakeUsbState state;
  state.plug(combo());
  FakeUsbBus bus(state);
  FakeUsbAuthorizer authorizer(state);
  EXPECT_EQ(bus.device("1-2")->descriptor_hash, descriptor_hash(combo()));
  ASSERT_TRUE(authorizer.authorize_interface("1-2:1.1", false));
  EXPECT_FALSE(bus.device("1-2")->interfaces[1].authorized);
  EXPECT_TRUE(*authorizer.interface_authorized("1-2:1.0"));
  ASSERT_TRUE(authorizer.authorize_interface("1-2:1.1", true));
  EXPECT_TRUE(state.probed.contains("1-2:1.1"));
  ASSERT_TRUE(authorizer.set_authorized_default("usb1", false));
  EXPECT_FALSE(*authorizer.authorized_default("usb1"));
  EXPECT_TRUE(*authorizer.authorized_default("usb2"));
  EXPECT_EQ(state.log, (std::vector<std::string>{"authorize_interface 1-2:1.1 0", "authorize_interface 1-2:1.1 1",
                                                 "set_authorized_default usb1 0"}));
  EXPECT_EQ(authorizer.authorize_interface("1-2:1.7", false).error().code, ErrorCode::not_found);
  state.failing.emplace("1-2", ErrorCode::io);
  EXPECT_EQ(authorizer.authorize_device("1-2", false).error().code, ErrorCode::io);
  EXPECT_TRUE(bus.device("1-2")->authorized);
  state.unplug("1-2");
  EXPECT_EQ(bus.device("1-2").error().code, ErrorCode::not_found);
  EXPECT_TRUE(bus.devices()->empty());
}

TEST(FakeBlockDevices, BelongToTheirUsbDeviceAndInterface) {
  FakeBlockDevices blocks;
  blocks.add(block("sr0", "sr0", BlockKind::optical), "1-2:1.1");
  blocks.add(block("sdb", "sdb", BlockKind::disk), "1-20:1.0");
  blocks.add(block("sdb1", "sdb", BlockKind::disk), "1-20:1.0");
  ASSERT_EQ(blocks.of_usb("1-2")->size(), 1u);
  EXPECT_EQ(blocks.of_usb("1-2:1.1")->front().name, "sr0");
  EXPECT_EQ(blocks.of_usb("1-20")->size(), 2u);
  ASSERT_TRUE(blocks.set_read_only("sdb", true));
  EXPECT_TRUE(*blocks.is_read_only("sdb"));
  EXPECT_FALSE(*blocks.is_mounted("sdb"));
  blocks.set_mounted("sdb1", true);
  EXPECT_TRUE(*blocks.is_mounted("sdb"));
  blocks.fail("sr0", ErrorCode::permission_denied);
  EXPECT_EQ(blocks.set_read_only("sr0", true).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(blocks.device("sdz").error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace custos::device
