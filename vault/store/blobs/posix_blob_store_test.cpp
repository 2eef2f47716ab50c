// The POSIX blob store over real files in a temporary folder.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "custos/vault/blob_store.hpp"
#include "custos/vault/testonly/fault_injecting_blob_store.hpp"

namespace custos::vault {
namespace {

namespace fs = std::filesystem;

class PosixBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("custos-blobs-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    auto opened = open_posix_blob_store(dir / "blobs");
    ASSERT_TRUE(opened) << opened.error().describe();
    blobs = std::move(*opened);
  }
  void TearDown() override { fs::remove_all(dir); }

  static Bytes pattern(std::size_t size, std::uint8_t seed) {
    Bytes out(size);
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 31 + i / 4099);
    return out;
  }
  static std::string file_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir / "blobs")) out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir;
  std::unique_ptr<BlobStore> blobs;
};

TEST_F(PosixBlobStoreTest, TheFolderIsPrivate) {
  struct stat info {};
  ASSERT_EQ(::stat((dir / "blobs").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(PosixBlobStoreTest, StagedThenPublishedThenReadAtOffsets) {
  // 40 MiB in uneven pieces: crosses the write-back windows and a background flush.
  const auto content = pattern(40 * 1024 * 1024 + 5, 3);
  auto writer = blobs->create(7);
  ASSERT_TRUE(writer) << writer.error().describe();
  for (std::size_t at = 0; at < content.size();) {
    const auto n = std::min<std::size_t>(content.size() - at, 999'983);
    ASSERT_TRUE((*writer)->append(std::span(content).subspan(at, n)));
    at += n;
  }
  EXPECT_EQ(names(), std::vector<std::string>{"7.part"});
  struct stat info {};
  ASSERT_EQ(::stat((dir / "blobs" / "7.part").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "private from the first byte";
  EXPECT_EQ(blobs->open(7).error().code, ErrorCode::not_found) << "a staged blob is not readable";
  auto staged = blobs->inventory();
  ASSERT_TRUE(staged);
  EXPECT_EQ(staged->staging, std::vector<Id>{7});
  EXPECT_TRUE(staged->published.empty());

  auto published = (*writer)->publish();
  ASSERT_TRUE(published) << published.error().describe();
  writer->reset();  // a published blob outlives its writer
  EXPECT_EQ(names(), std::vector<std::string>{"7"});
  ASSERT_EQ(::stat((dir / "blobs" / "7").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto reader = blobs->open(7);
  ASSERT_TRUE(reader) << reader.error().describe();
  EXPECT_EQ((*reader)->size(), content.size());
  Bytes piece(4096);
  for (const std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{12'345'678}, content.size() - 4096}) {
    ASSERT_TRUE((*reader)->read_at(offset, piece));
    EXPECT_TRUE(std::equal(piece.begin(), piece.end(), content.begin() + static_cast<std::ptrdiff_t>(offset)))
        << "at " << offset;
  }
  EXPECT_EQ((*reader)->read_at(content.size() - 10, piece).error().code, ErrorCode::corrupt)
      << "reading past the end";
  auto after = blobs->inventory();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->published, std::vector<Id>{7});
  EXPECT_TRUE(after->staging.empty());
}

TEST_F(PosixBlobStoreTest, DiscardRemovesStagedAndPublishedBlobs) {
  auto staged = blobs->create(1);
  auto published = blobs->create(2);
  auto dropped = blobs->create(3);
  ASSERT_TRUE(staged && published && dropped);
  ASSERT_TRUE((*staged)->append(pattern(100, 1)));
  ASSERT_TRUE((*published)->append(pattern(100, 2)));
  ASSERT_TRUE((*published)->publish());
  ASSERT_TRUE((*dropped)->append(pattern(100, 3)));
  EXPECT_EQ(names(), (std::vector<std::string>{"1.part", "2", "3.part"}));
  EXPECT_TRUE((*staged)->discard());
  EXPECT_TRUE((*staged)->discard()) << "idempotent";
  EXPECT_TRUE((*published)->discard()) << "the row that was to make it visible did not commit";
  dropped->reset();  // a writer destroyed unpublished discards its blob
  EXPECT_TRUE(names().empty());
}

TEST_F(PosixBlobStoreTest, ShredOverwritesTheBytesThenRemovesTheName) {
  const auto content = pattern(3 * 1024 * 1024 + 77, 9);
  auto writer = blobs->create(5);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->append(content));
  ASSERT_TRUE((*writer)->publish());
  // A second name for the same inode shows what happened to its bytes.
  const auto witness = dir / "witness";
  ASSERT_EQ(::link((dir / "blobs" / "5").c_str(), witness.c_str()), 0);
  ASSERT_EQ(file_text(witness).size(), content.size());
  ASSERT_NE(file_text(witness), std::string(content.size(), '\0'));

  auto shredded = blobs->shred(5);
  ASSERT_TRUE(shredded) << shredded.error().describe();
  EXPECT_FALSE(fs::exists(dir / "blobs" / "5"));
  EXPECT_EQ(file_text(witness), std::string(content.size(), '\0')) << "every byte overwritten in place";
  EXPECT_EQ(blobs->open(5).error().code, ErrorCode::not_found);
  EXPECT_EQ(blobs->shred(5).error().code, ErrorCode::not_found);
}

TEST_F(PosixBlobStoreTest, RemoveStagingAndForeignNames) {
  auto writer = blobs->create(12);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->append(pattern(10, 0)));
  for (const char* foreign : {"notes.txt", "007", "0", "-4", "12.part.bak", "x12"}) {
    std::ofstream(dir / "blobs" / foreign) << "not a blob";
  }
  auto listed = blobs->inventory();
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->staging, std::vector<Id>{12});
  EXPECT_TRUE(listed->published.empty()) << "names of other forms are not blobs";
  EXPECT_TRUE(blobs->remove_staging(12));
  EXPECT_TRUE(blobs->remove_staging(12)) << "nothing to remove is fine";
  EXPECT_FALSE(fs::exists(dir / "blobs" / "12.part"));
  EXPECT_TRUE(fs::exists(dir / "blobs" / "007"));
}

TEST_F(PosixBlobStoreTest, InjectedFaultsNeverReachTheRealStore) {
  testonly::FaultInjectingBlobStore faulty(*blobs);
  faulty.fail_appends_after(1);
  auto writer = faulty.create(4);
  ASSERT_TRUE(writer);
  EXPECT_TRUE((*writer)->append(pattern(10, 0)));
  EXPECT_EQ((*writer)->append(pattern(10, 0)).error().code, ErrorCode::io);
  EXPECT_EQ(faulty.appends(), 1);
  faulty.stop_failing_appends();
  faulty.fail_publish(true);
  EXPECT_EQ((*writer)->publish().error().code, ErrorCode::io);
  EXPECT_EQ(names(), std::vector<std::string>{"4.part"}) << "a failed flush publishes nothing";
  faulty.fail_publish(false);
  ASSERT_TRUE((*writer)->publish());
  faulty.fail_shred(true);
  EXPECT_EQ(faulty.shred(4).error().code, ErrorCode::io);
  EXPECT_EQ(names(), std::vector<std::string>{"4"});
}

}  // namespace
}  // namespace custos::vault
