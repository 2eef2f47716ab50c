#include "custos/device/uevent.hpp"

#include <gtest/gtest.h>

#include "custos/device/fake.hpp"

namespace custos::device {
namespace {

using namespace std::string_literals;

// Exactly what a 6.1 kernel sends when QEMU's storage appears on port 1 of
// the SuperSpeed bus: the device, its interface, the driver binding, the disk.
const std::string kUsbDeviceAdd =
    "add@/devices/pci0000:00/0000:00:04.0/usb2/2-1\0"
    "ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:04.0/usb2/2-1\0SUBSYSTEM=usb\0"
    "MAJOR=189\0MINOR=129\0DEVNAME=bus/usb/002/002\0DEVTYPE=usb_device\0"
    "PRODUCT=46f4/1/0\0TYPE=0/0/0\0BUSNUM=002\0DEVNUM=002\0SEQNUM=1540\0"s;
const std::string kUsbInterfaceAdd =
    "add@/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0\0"
    "ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0\0SUBSYSTEM=usb\0"
    "DEVTYPE=usb_interface\0PRODUCT=46f4/1/0\0TYPE=0/0/0\0INTERFACE=8/6/80\0"
    "MODALIAS=usb:v46F4p0001d0000dc00dsc00dp00ic08isc06ip50in00\0SEQNUM=1541\0"s;
const std::string kUsbInterfaceBind =
    "bind@/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0\0"
    "ACTION=bind\0DEVPATH=/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0\0SUBSYSTEM=usb\0"
    "DEVTYPE=usb_interface\0DRIVER=usb-storage\0PRODUCT=46f4/1/0\0TYPE=0/0/0\0INTERFACE=8/6/80\0"
    "MODALIAS=usb:v46F4p0001d0000dc00dsc00dp00ic08isc06ip50in00\0SEQNUM=1545\0"s;
const std::string kBlockDiskAdd =
    "add@/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0/host0/target0:0:0/0:0:0:0/block/sda\0"
    "ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0/host0/target0:0:0/0:0:0:0/block/sda\0"
    "SUBSYSTEM=block\0MAJOR=8\0MINOR=0\0DEVNAME=sda\0DEVTYPE=disk\0DISKSEQ=2\0SEQNUM=1560\0"s;

Uevent parse_ok(const std::string& datagram) {
  auto event = parse_uevent(datagram);
  EXPECT_TRUE(event) << event.error().describe();
  EXPECT_TRUE(event && event->has_value());
  return event && *event ? **event : Uevent{};
}

TEST(UeventParse, UsbDevice) {
  const auto event = parse_ok(kUsbDeviceAdd);
  EXPECT_EQ(event.action, UeventAction::add);
  EXPECT_EQ(event.action_text, "add");
  EXPECT_EQ(event.devpath, "/devices/pci0000:00/0000:00:04.0/usb2/2-1");
  EXPECT_EQ(event.subsystem, "usb");
  EXPECT_EQ(event.devtype, "usb_device");
  EXPECT_EQ(event.devname, "bus/usb/002/002");
  EXPECT_EQ(event.seqnum, 1540u);
  EXPECT_EQ(event.sysfs_name(), "2-1");
  EXPECT_EQ(event.property("PRODUCT"), "46f4/1/0");
  EXPECT_EQ(event.property("BUSNUM"), "002");
  EXPECT_FALSE(event.property("ACTION"));  // known keys live in their fields
  EXPECT_EQ(event.properties.size(), 6u);  // MAJOR MINOR PRODUCT TYPE BUSNUM DEVNUM
}

TEST(UeventParse, UsbInterfaceAndBind) {
  const auto added = parse_ok(kUsbInterfaceAdd);
  EXPECT_EQ(added.devtype, "usb_interface");
  EXPECT_EQ(added.sysfs_name(), "2-1:1.0");
  EXPECT_EQ(added.property("INTERFACE"), "8/6/80");
  EXPECT_TRUE(added.devname.empty());
  const auto bound = parse_ok(kUsbInterfaceBind);
  EXPECT_EQ(bound.action, UeventAction::bind);
  EXPECT_EQ(bound.property("DRIVER"), "usb-storage");
}

TEST(UeventParse, BlockDisk) {
  const auto event = parse_ok(kBlockDiskAdd);
  EXPECT_EQ(event.subsystem, "block");
  EXPECT_EQ(event.devtype, "disk");
  EXPECT_EQ(event.devname, "sda");
  EXPECT_EQ(event.sysfs_name(), "sda");
  EXPECT_EQ(event.property("MAJOR"), "8");
}

TEST(UeventParse, UnknownActionKeepsItsText) {
  const auto event = parse_ok("frob@/devices/x\0ACTION=frob\0DEVPATH=/devices/x\0SUBSYSTEM=usb\0SEQNUM=1\0"s);
  EXPECT_EQ(event.action, UeventAction::unknown);
  EXPECT_EQ(event.action_text, "frob");
}

TEST(UeventParse, MissingFinalNulIsTolerated) {
  auto datagram = kUsbDeviceAdd;
  datagram.pop_back();
  EXPECT_EQ(parse_ok(datagram).seqnum, 1540u);
}

TEST(UeventParse, LibudevMessagesAreSkipped) {
  const auto event = parse_uevent("libudev\0\xfe\xed\xca\xfe junk"s);
  ASSERT_TRUE(event);
  EXPECT_FALSE(event->has_value());
}

struct Malformed {
  const char* name;
  std::string datagram;
  const char* message_part;
};

TEST(UeventParse, MalformedDatagramsAreCorrupt) {
  const std::string tail = "ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=usb\0SEQNUM=7\0"s;
  const std::vector<Malformed> cases = {
      {"empty", "", "empty"},
      {"too long", std::string(kMaxUeventBytes + 1, 'a'), "longer"},
      {"no at", "add/devices/x\0"s + tail, "no '@'"},
      {"empty action", "@/devices/x\0"s + tail, "empty action"},
      {"relative devpath", "add@devices/x\0"s + tail, "does not start with '/'"},
      {"empty entry", "add@/devices/x\0\0"s + tail, "empty entry"},
      {"no equals", "add@/devices/x\0ACTION\0"s + tail, "KEY=VALUE"},
      {"lower-case key", "add@/devices/x\0action=add\0"s + tail, "KEY=VALUE"},
      {"binary key", "add@/devices/x\0\x01\x02=3\0"s + tail, "KEY=VALUE"},
      {"repeated known key", "add@/devices/x\0SUBSYSTEM=block\0"s + tail, "repeated key SUBSYSTEM"},
      {"repeated other key", "add@/devices/x\0"s + tail + "FOO=1\0FOO=2\0"s, "repeated key FOO"},
      {"repeated seqnum", "add@/devices/x\0"s + tail + "SEQNUM=8\0"s, "repeated key SEQNUM"},
      {"action differs", "remove@/devices/x\0"s + tail, "ACTION"},
      {"devpath differs", "add@/devices/y\0"s + tail, "DEVPATH"},
      {"no action", "add@/devices/x\0DEVPATH=/devices/x\0SUBSYSTEM=usb\0SEQNUM=7\0"s, "ACTION"},
      {"no devpath", "add@/devices/x\0ACTION=add\0SUBSYSTEM=usb\0SEQNUM=7\0"s, "DEVPATH"},
      {"no subsystem", "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SEQNUM=7\0"s, "SUBSYSTEM"},
      {"empty subsystem", "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=\0SEQNUM=7\0"s, "SUBSYSTEM"},
      {"no seqnum", "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=usb\0"s, "SEQNUM is missing"},
      {"seqnum text", "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=usb\0SEQNUM=12a\0"s, "decimal"},
      {"seqnum empty", "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=usb\0SEQNUM=\0"s, "decimal"},
      {"seqnum overflow",
       "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=usb\0SEQNUM=99999999999999999999\0"s, "decimal"},
  };
  for (const auto& c : cases) {
    const auto event = parse_uevent(c.datagram);
    ASSERT_FALSE(event) << c.name;
    EXPECT_EQ(event.error().code, ErrorCode::corrupt) << c.name;
    EXPECT_NE(event.error().message.find(c.message_part), std::string::npos) << c.name << ": " << event.error().message;
  }
}

TEST(UeventParse, ErrorsNameTheByteOffset) {
  const auto event = parse_uevent("add@/devices/x\0ACTION=add\0junk\0"s);
  ASSERT_FALSE(event);
  EXPECT_NE(event.error().message.find("at byte 26"), std::string::npos) << event.error().message;
}

TEST(ScriptedUeventSource, PlaysItsScriptThenTimesOut) {
  ScriptedUeventSource source({kUsbDeviceAdd, "libudev\0xyz"s, ScriptedUeventSource::Timeout{},
                               Error{ErrorCode::unavailable, "lost"}, "garbage"s, kBlockDiskAdd});
  const std::chrono::milliseconds wait{10};
  auto first = source.next(wait);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->devtype, "usb_device");
  auto second = source.next(wait);  // the libudev message is skipped: a timeout step follows
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->has_value());
  EXPECT_EQ(source.next(wait).error().code, ErrorCode::unavailable);
  EXPECT_EQ(source.next(wait).error().code, ErrorCode::corrupt);
  auto disk = source.next(wait);
  ASSERT_TRUE(disk && *disk);
  EXPECT_EQ((*disk)->devname, "sda");
  EXPECT_TRUE(source.done());
  auto after = source.next(wait);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->has_value());
}

}  // namespace
}  // namespace custos::device
