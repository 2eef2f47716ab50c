// BLKROSET for real: a loop device over a small image file, made read-only
// through SysfsBlockDevices with the real /dev and /sys. Needs root and
// working loop devices; without them the test is skipped with the reason
// (and a skip fails the ctest run: it is not a pass).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "custos/device/linux.hpp"

namespace custos::device {
namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  if (::pclose(pipe) != 0) return {};
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class LoopDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to attach a loop device";
    image = std::filesystem::temp_directory_path() / ("custos-loop-" + std::to_string(::getpid()) + ".img");
    std::filesystem::remove(image);
    std::ofstream(image, std::ios::binary) << std::string(1 << 20, '\0');
    device = run("losetup -f --show " + image.string() + " 2>/dev/null");
    if (device.empty()) GTEST_SKIP() << "losetup could not attach a loop device here";
    name = std::filesystem::path(device).filename().string();
  }
  void TearDown() override {
    if (!device.empty()) (void)run("losetup -d " + device);
    std::error_code ignored;
    std::filesystem::remove(image, ignored);
  }

  // errno of a one-sector write to the device; 0 when it was accepted.
  int write_error() const {
    const int fd = ::open(device.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    const std::string sector(512, 'x');
    const auto written = ::write(fd, sector.data(), sector.size());
    const int err = written < 0 ? errno : 0;
    ::close(fd);
    return err;
  }

  std::filesystem::path image;
  std::string device;  // "/dev/loop3"
  std::string name;    // "loop3"
  PosixFileOps files;
  SysfsBlockDevices blocks{files, "/sys", "/dev", "/proc/self/mountinfo"};
};

TEST_F(LoopDeviceTest, SetReadOnlyMakesWritesFailWithEperm) {
  // The flag belongs to the loop device, not the attachment: it outlives
  // `losetup -d`, so a device left read-only by someone else starts so.
  ASSERT_TRUE(blocks.set_read_only(name, false));
  ASSERT_EQ(write_error(), 0);
  ASSERT_EQ(*blocks.is_read_only(name), false);

  const auto set = blocks.set_read_only(name, true);
  ASSERT_TRUE(set) << set.error().describe();
  EXPECT_EQ(*blocks.is_read_only(name), true);
  EXPECT_EQ(write_error(), EPERM);

  const auto block = blocks.device(name);
  ASSERT_TRUE(block) << block.error().describe();
  EXPECT_FALSE(block->scsi_type.has_value());  // a loop device is no SCSI peripheral
  EXPECT_EQ(block->kind, BlockKind::unknown);
  EXPECT_EQ(*blocks.is_mounted(name), false);

  ASSERT_TRUE(blocks.set_read_only(name, false));
  EXPECT_EQ(*blocks.is_read_only(name), false);
  EXPECT_EQ(write_error(), 0);
}

}  // namespace
}  // namespace custos::device
