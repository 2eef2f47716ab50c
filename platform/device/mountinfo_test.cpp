#include "custos/device/mountinfo.hpp"

#include <gtest/gtest.h>

namespace custos::device {
namespace {

TEST(Mountinfo, ParsesLinesWithOptionalFieldsAndEscapes) {
  const auto mounts = parse_mountinfo(
      "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
      "98 22 8:17 / /media/alice/My\\040Stick rw,nosuid,nodev shared:50 master:3 - vfat /dev/sdb1 rw,fmask=0022\n"
      "\n"
      "99 22 0:45 /sub\\134dir /mnt/tab\\011here rw - tmpfs none rw\n");
  ASSERT_TRUE(mounts) << mounts.error().describe();
  ASSERT_EQ(mounts->size(), 3u);
  const auto& stick = (*mounts)[1];
  EXPECT_EQ(stick.mount_id, 98u);
  EXPECT_EQ(stick.parent_id, 22u);
  EXPECT_EQ(stick.major, 8u);
  EXPECT_EQ(stick.minor, 17u);
  EXPECT_EQ(stick.mount_point, "/media/alice/My Stick");
  EXPECT_EQ(stick.options, "rw,nosuid,nodev");
  EXPECT_EQ(stick.optional_fields, (std::vector<std::string>{"shared:50", "master:3"}));
  EXPECT_EQ(stick.fs_type, "vfat");
  EXPECT_EQ(stick.source, "/dev/sdb1");
  EXPECT_EQ(stick.super_options, "rw,fmask=0022");
  EXPECT_TRUE((*mounts)[0].optional_fields.size() == 1);
  EXPECT_EQ((*mounts)[2].root, "/sub\\dir");
  EXPECT_EQ((*mounts)[2].mount_point, "/mnt/tab\there");
  EXPECT_TRUE((*mounts)[2].optional_fields.empty());
}

TEST(Mountinfo, EmptyTextHasNoMounts) {
  const auto mounts = parse_mountinfo("");
  ASSERT_TRUE(mounts);
  EXPECT_TRUE(mounts->empty());
}

TEST(Mountinfo, MalformedLinesAreCorruptWithTheirLineNumber) {
  const std::string good = "22 1 8:1 / / rw - ext4 /dev/vda1 rw\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"22 1 8:1 / / rw ext4 /dev/vda1 rw", "expected"},          // no "-"
      {"22 1 8:1 / / rw - ext4 /dev/vda1", "expected"},           // too few after "-"
      {"22 1 8:1 / / rw - ext4 /dev/vda1 rw extra", "expected"},  // too many after "-"
      {"22 1 8:1 / / - ext4 /dev/vda1 rw", "expected"},           // "-" among the fixed fields
      {"x 1 8:1 / / rw - ext4 /dev/vda1 rw", "numbers"},
      {"22 1 81 / / rw - ext4 /dev/vda1 rw", "numbers"},
      {"22 1 8: / / rw - ext4 /dev/vda1 rw", "numbers"},
      {"22 1 8:1 / /a\\04 rw - ext4 /dev/vda1 rw", "escape"},
      {"22 1 8:1 / /a\\400 rw - ext4 /dev/vda1 rw", "escape"},
      {"22 1 8:1 / / rw - ext4 /dev/\\9 rw", "escape"},
  };
  for (const auto& [line, part] : cases) {
    const auto mounts = parse_mountinfo(good + line + "\n");
    ASSERT_FALSE(mounts) << line;
    EXPECT_EQ(mounts.error().code, ErrorCode::corrupt) << line;
    EXPECT_NE(mounts.error().message.find("line 2"), std::string::npos) << mounts.error().message;
    EXPECT_NE(mounts.error().message.find(part), std::string::npos) << mounts.error().message;
  }
}

TEST(Mountinfo, UnescapeTakesExactlyThreeOctalDigits) {
  EXPECT_EQ(*unescape_mount_field("a\\040b\\134"), "a b\\");
  EXPECT_EQ(*unescape_mount_field("\\0401"), " 1");
  EXPECT_FALSE(unescape_mount_field("\\"));
  EXPECT_FALSE(unescape_mount_field("\\08"));
}

}  // namespace
}  // namespace custos::device
