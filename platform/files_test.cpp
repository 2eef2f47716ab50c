#include "custos/platform/files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace custos {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("custos-files-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(files::make_private_dir(dir));
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return info.st_mode & 07777;
}

TEST_F(FilesTest, WriteAtomicSetsModeAndContent) {
  ASSERT_TRUE(files::write_atomic(dir / "key", std::string_view("secret"), 0600));
  EXPECT_EQ(mode_of(dir / "key"), 0600u);
  EXPECT_EQ(*files::read_text(dir / "key"), "secret");
  ASSERT_TRUE(files::write_atomic(dir / "key", std::string_view("newer"), 0600));
  EXPECT_EQ(*files::read_text(dir / "key"), "newer");
  EXPECT_EQ(mode_of(dir), 0700u);
}

TEST_F(FilesTest, ReadSecretRefusesOpenModes) {
  ASSERT_TRUE(files::write_atomic(dir / "open", std::string_view("k"), 0644));
  EXPECT_EQ(files::read_secret(dir / "open").error().code, ErrorCode::permission_denied);
  ASSERT_TRUE(files::write_atomic(dir / "closed", std::string_view("k"), 0600));
  EXPECT_EQ(files::read_secret(dir / "closed")->unsafe_view(), "k");
}

TEST_F(FilesTest, MissingFileIsNotFound) {
  EXPECT_EQ(files::read_text(dir / "nope").error().code, ErrorCode::not_found);
  EXPECT_EQ(files::read_secret(dir / "nope").error().code, ErrorCode::not_found);
}

TEST_F(FilesTest, WriteIntoMissingFolderFails) {
  EXPECT_EQ(files::write_atomic(dir / "no" / "such", std::string_view("x"), 0600).error().code,
            ErrorCode::not_found);
}

TEST_F(FilesTest, ReplaceWithSetsTheModeEvenPastTheUmask) {
  ASSERT_TRUE(files::write_atomic(dir / "report", std::string_view("old"), 0600));
  ASSERT_TRUE(files::write_atomic(dir / "written-by-a-library", std::string_view("new"), 0600));
  ASSERT_TRUE(files::replace_with(dir / "written-by-a-library", dir / "report", 0640));
  EXPECT_EQ(*files::read_text(dir / "report"), "new");
  EXPECT_EQ(mode_of(dir / "report"), 0640u);
  EXPECT_FALSE(std::filesystem::exists(dir / "written-by-a-library"));
}

TEST_F(FilesTest, ReplaceWithAMissingTemporaryLeavesTheFile) {
  ASSERT_TRUE(files::write_atomic(dir / "report", std::string_view("old"), 0600));
  EXPECT_EQ(files::replace_with(dir / "nope", dir / "report", 0600).error().code, ErrorCode::not_found);
  EXPECT_EQ(*files::read_text(dir / "report"), "old");
}

}  // namespace
}  // namespace custos
