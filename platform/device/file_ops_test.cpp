#include "custos/device/file_ops.hpp"

#include <gtest/gtest.h>
#include <linux/fs.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace custos::device {
namespace {

class FileOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("custos-fileops-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "sub");
    std::ofstream(dir / "attr") << "1\n";
    std::filesystem::create_symlink("sub", dir / "link");
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
  PosixFileOps posix;
};

TEST_F(FileOpsTest, ReadsListsAndFollowsLinks) {
  EXPECT_EQ(*posix.read_text(dir / "attr", 100), "1\n");
  EXPECT_EQ(*posix.list_dir(dir), (std::vector<std::string>{"attr", "link", "sub"}));
  EXPECT_EQ(*posix.read_link(dir / "link"), "sub");
}

TEST_F(FileOpsTest, WritesInPlaceWithoutCreating) {
  ASSERT_TRUE(posix.write_text(dir / "attr", "0"));
  EXPECT_EQ(*posix.read_text(dir / "attr", 100), "0\n");  // no O_TRUNC: as a sysfs store
  EXPECT_EQ(posix.write_text(dir / "missing", "1").error().code, ErrorCode::not_found);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing"));
}

TEST_F(FileOpsTest, ErrorsCarryTheErrnoCode) {
  EXPECT_EQ(posix.read_text(dir / "missing", 100).error().code, ErrorCode::not_found);
  EXPECT_EQ(posix.read_text(dir / "attr", 1).error().code, ErrorCode::too_large);
  EXPECT_EQ(posix.list_dir(dir / "attr").error().code, ErrorCode::io);  // ENOTDIR
  EXPECT_EQ(posix.read_link(dir / "attr").error().code, ErrorCode::invalid_argument);  // EINVAL: not a link
  int value = 0;
  EXPECT_EQ(posix.ioctl_int(dir / "attr", BLKROGET, value).error().code, ErrorCode::io);  // ENOTTY
}

TEST_F(FileOpsTest, AFailedWriteIsAnError) {
  // /dev/full refuses every write with ENOSPC: the real write path fails.
  const auto written = posix.write_text("/dev/full", "1");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::io);
  EXPECT_NE(written.error().message.find("/dev/full"), std::string::npos) << written.error().message;
}

TEST_F(FileOpsTest, FaultyFileOpsFailsChosenPathsAndOps) {
  FaultyFileOps faulty(posix);
  faulty.fail(dir / "attr", EIO, FaultyFileOps::Op::write);
  faulty.fail(dir / "sub", EACCES);
  EXPECT_EQ(faulty.write_text(dir / "attr", "0").error().code, ErrorCode::io);
  EXPECT_EQ(faulty.writes_passed(), 0u);
  EXPECT_EQ(*faulty.read_text(dir / "attr", 100), "1\n");  // reads still pass
  EXPECT_EQ(faulty.list_dir(dir / "sub").error().code, ErrorCode::permission_denied);
  faulty.heal(dir / "attr");
  EXPECT_TRUE(faulty.write_text(dir / "attr", "0"));
  EXPECT_EQ(faulty.writes_passed(), 1u);
}

TEST(ErrnoToCode, MapsTheFamilies) {
  EXPECT_EQ(errno_to_code(ENOENT), ErrorCode::not_found);
  EXPECT_EQ(errno_to_code(ENODEV), ErrorCode::not_found);
  EXPECT_EQ(errno_to_code(EACCES), ErrorCode::permission_denied);
  EXPECT_EQ(errno_to_code(EPERM), ErrorCode::permission_denied);
  EXPECT_EQ(errno_to_code(EINVAL), ErrorCode::invalid_argument);
  EXPECT_EQ(errno_to_code(EBUSY), ErrorCode::unavailable);
  EXPECT_EQ(errno_to_code(ETIMEDOUT), ErrorCode::timeout);
  EXPECT_EQ(errno_to_code(EIO), ErrorCode::io);
  EXPECT_EQ(errno_to_code(ENOSPC), ErrorCode::io);
}

}  // namespace
}  // namespace custos::device
