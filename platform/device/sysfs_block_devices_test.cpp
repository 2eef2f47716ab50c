// SysfsBlockDevices over a fake sysfs tree: which disks belong to which USB
// device, SCSI types, mounts; the ioctls' error paths through FaultyFileOps
// (the real ioctls are exercised in loop_device_test.cpp).
#include <gtest/gtest.h>

#include <cerrno>

#include "custos/device/linux.hpp"
#include "testing/fake_sysfs.hpp"

namespace custos::device {
namespace {

std::vector<std::string> names(const std::vector<BlockDevice>& blocks) {
  std::vector<std::string> out;
  for (const auto& block : blocks) out.push_back(block.name);
  return out;
}

class SysfsBlockDevicesTest : public ::testing::Test {
 protected:
  testing::FakeSysfs tree;
  PosixFileOps posix;
  FaultyFileOps files{posix};
  SysfsBlockDevices blocks{files, tree.sys(), tree.dev(), tree.mountinfo()};
};

TEST_F(SysfsBlockDevicesTest, FindsTheDiskAndPartitionOfAUsbStick) {
  const auto found = blocks.of_usb("2-1");
  ASSERT_TRUE(found) << found.error().describe();
  ASSERT_EQ(names(*found), (std::vector<std::string>{"sda", "sda1"}));
  const auto& disk = (*found)[0];
  EXPECT_EQ(disk.sysfs_path,
            "/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0/host0/target0:0:0/0:0:0:0/block/sda");
  EXPECT_FALSE(disk.partition);
  EXPECT_EQ(disk.disk, "sda");
  EXPECT_EQ(disk.scsi_type, 0);
  EXPECT_EQ(disk.kind, BlockKind::disk);
  EXPECT_EQ(disk.major, 8u);
  EXPECT_EQ(disk.minor, 0u);
  const auto& partition = (*found)[1];
  EXPECT_TRUE(partition.partition);
  EXPECT_EQ(partition.disk, "sda");
  EXPECT_EQ(partition.scsi_type, 0);  // the disk's
  EXPECT_EQ(partition.minor, 1u);
  // Through the interface too.
  EXPECT_EQ(names(*blocks.of_usb("2-1:1.0")), (std::vector<std::string>{"sda", "sda1"}));
}

TEST_F(SysfsBlockDevicesTest, TellsACdDriveFromAStickByScsiType) {
  const auto found = blocks.of_usb("1-2");
  ASSERT_TRUE(found) << found.error().describe();
  ASSERT_EQ(names(*found), (std::vector<std::string>{"sr0"}));
  EXPECT_EQ((*found)[0].scsi_type, 5);
  EXPECT_EQ((*found)[0].kind, BlockKind::optical);
  EXPECT_EQ(names(*blocks.of_usb("1-2:1.1")), (std::vector<std::string>{"sr0"}));
  EXPECT_TRUE(blocks.of_usb("1-2:1.0")->empty());  // the keyboard interface has none
  EXPECT_TRUE(blocks.of_usb("1-1")->empty());
}

TEST_F(SysfsBlockDevicesTest, APortPrefixIsNotAParent) {
  // "2-1" must not claim the disks of "2-10".
  tree.add_usb_device(tree.usb_folder("usb2"), "2-10", "46f4", "0001", "SN-0010", 5);
  tree.add_interface("2-10:1.0", "08", "06", "50", "usb-storage");
  tree.add_scsi_disk("2-10:1.0", 4, 0, "sdb", "8:16");
  EXPECT_EQ(names(*blocks.of_usb("2-1")), (std::vector<std::string>{"sda", "sda1"}));
  EXPECT_EQ(names(*blocks.of_usb("2-10")), (std::vector<std::string>{"sdb"}));
}

TEST_F(SysfsBlockDevicesTest, NamesAndMissingDevices) {
  EXPECT_EQ(blocks.of_usb("3-1").error().code, ErrorCode::not_found);
  EXPECT_EQ(blocks.of_usb("../x").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(blocks.device("sdz").error().code, ErrorCode::not_found);
  for (const auto* name : {"", "..", "../sda", "sda/..", "a b"}) {
    EXPECT_EQ(blocks.device(name).error().code, ErrorCode::invalid_argument) << name;
    EXPECT_EQ(blocks.set_read_only(name, true).error().code, ErrorCode::invalid_argument) << name;
  }
  const auto sr0 = blocks.device("sr0");
  ASSERT_TRUE(sr0);
  EXPECT_EQ(sr0->kind, BlockKind::optical);
}

TEST_F(SysfsBlockDevicesTest, AMalformedDevNumberIsCorrupt) {
  testing::FakeSysfs::write(tree.usb_folder("2-1:1.0") / "host0/target0:0:0/0:0:0:0/block/sda/dev", "8-0\n");
  EXPECT_EQ(blocks.device("sda").error().code, ErrorCode::corrupt);
  EXPECT_EQ(blocks.of_usb("2-1").error().code, ErrorCode::corrupt);
}

TEST_F(SysfsBlockDevicesTest, MountedByMajorMinorIncludingPartitions) {
  EXPECT_FALSE(*blocks.is_mounted("sda"));
  testing::FakeSysfs::write(tree.mountinfo(),
                            "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
                            "98 22 8:1 / /media/alice/My\\040Stick rw,nosuid shared:50 - vfat /dev/sda1 rw\n");
  EXPECT_TRUE(*blocks.is_mounted("sda1"));
  EXPECT_TRUE(*blocks.is_mounted("sda"));  // through its partition
  EXPECT_FALSE(*blocks.is_mounted("sr0"));
  testing::FakeSysfs::write(tree.mountinfo(), "garbage\n");
  EXPECT_EQ(blocks.is_mounted("sda").error().code, ErrorCode::corrupt);
  files.fail(tree.mountinfo(), EACCES);
  EXPECT_EQ(blocks.is_mounted("sda").error().code, ErrorCode::permission_denied);
}

TEST_F(SysfsBlockDevicesTest, IoctlFailuresAreErrors) {
  // No /dev/sda in the fake /dev: the open fails.
  EXPECT_EQ(blocks.set_read_only("sda", true).error().code, ErrorCode::not_found);
  EXPECT_EQ(blocks.is_read_only("sda").error().code, ErrorCode::not_found);
  files.fail(tree.dev() / "sda", EACCES, FaultyFileOps::Op::ioctl);
  EXPECT_EQ(blocks.set_read_only("sda", true).error().code, ErrorCode::permission_denied);
  files.fail(tree.dev() / "sda", EIO, FaultyFileOps::Op::ioctl);
  const auto failed = blocks.set_read_only("sda", true);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::io);
  EXPECT_NE(failed.error().message.find("sda"), std::string::npos);
}

TEST_F(SysfsBlockDevicesTest, AFailedReadWhileWalkingIsAnError) {
  files.fail(tree.sys() / "class" / "block", EIO);
  EXPECT_EQ(blocks.of_usb("2-1").error().code, ErrorCode::io);
  files.heal(tree.sys() / "class" / "block");
  files.fail(tree.usb_folder("1-2:1.1") / "host1/target1:0:0/1:0:0:0/block/sr0/device/type", EIO);
  EXPECT_EQ(blocks.of_usb("1-2").error().code, ErrorCode::io);
}

TEST(BlockKind, FromScsiType) {
  EXPECT_EQ(block_kind_from_scsi_type(0), BlockKind::disk);
  EXPECT_EQ(block_kind_from_scsi_type(0x0e), BlockKind::disk);
  EXPECT_EQ(block_kind_from_scsi_type(5), BlockKind::optical);
  EXPECT_EQ(block_kind_from_scsi_type(1), BlockKind::other);
  EXPECT_EQ(to_string(BlockKind::optical), "optical");
}

}  // namespace
}  // namespace custos::device
