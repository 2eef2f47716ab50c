// The backup file format: what is written reads back record by record, and
// every change to the file (another key, a flipped byte, a cut, an extra
// byte, a dropped message) is refused with its error code.
#include "custos/vault/backup_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <map>

#include "custos/platform/secretstream.hpp"

namespace custos::vault::backup {
namespace {

struct Read {
  Bytes database;
  std::map<std::int64_t, Bytes> blobs;
  std::uint64_t end_count = 0;
  bool ended = false;
};

Bytes pattern(std::size_t size, std::uint8_t seed) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 7 + i / 251);
  return out;
}

Bytes write_backup(const Secret& key, const Bytes& database, const std::map<std::int64_t, Bytes>& blobs) {
  Bytes file;
  auto writer = Writer::create(key, [&](std::span<const std::uint8_t> b) -> Result<void> {
    file.insert(file.end(), b.begin(), b.end());
    return ok();
  });
  EXPECT_TRUE(writer.has_value());
  EXPECT_TRUE(writer->begin_database(database.size()));
  // In uneven pieces, as a reader of a file would hand them over.
  for (std::size_t at = 0; at < database.size(); at += 70001) {
    EXPECT_TRUE(writer->data(std::span(database).subspan(at, std::min<std::size_t>(70001, database.size() - at))));
  }
  for (const auto& [id, bytes] : blobs) {
    EXPECT_TRUE(writer->begin_blob(id, bytes.size()));
    EXPECT_TRUE(writer->data(bytes));
  }
  EXPECT_TRUE(writer->finish());
  return file;
}

// Hands out `file` (which must outlive the source) front to back.
Source source_over(const Bytes& file) {
  return [&file, at = std::size_t{0}](std::span<std::uint8_t> into) mutable -> Result<std::size_t> {
    const auto n = std::min(into.size(), file.size() - at);
    std::memcpy(into.data(), file.data() + at, n);
    at += n;
    return n;
  };
}

Result<Read> read_backup(const Secret& key, const Bytes& file) {
  Read out;
  Bytes* current = nullptr;
  const Source source = source_over(file);
  const Visitor visitor{
      [&](std::uint64_t) -> Result<void> { current = &out.database; return ok(); },
      [&](std::int64_t id, std::uint64_t) -> Result<void> { current = &out.blobs[id]; return ok(); },
      [&](std::span<const std::uint8_t> b) -> Result<void> {
        current->insert(current->end(), b.begin(), b.end());
        return ok();
      },
      [&](std::uint64_t count) -> Result<void> { out.end_count = count; out.ended = true; return ok(); }};
  CUSTOS_TRY_VOID(read(key, source, visitor));
  return out;
}

class BackupFile : public ::testing::Test {
 protected:
  Secret vault_key = Secret::random(32);
  Secret key = derive_backup_key(vault_key);
  // A database over several messages, a blob ending exactly on a message
  // boundary, an empty blob.
  Bytes database = pattern(secretstream::kChunkSize * 2 + 123, 1);
  std::map<std::int64_t, Bytes> blobs = {{3, pattern(1000, 2)}, {7, Bytes{}}, {12, pattern(secretstream::kChunkSize, 3)}};
};

TEST_F(BackupFile, WhatIsWrittenReadsBack) {
  const auto file = write_backup(key, database, blobs);
  auto read_back = read_backup(key, file);
  ASSERT_TRUE(read_back.has_value()) << read_back.error().describe();
  EXPECT_EQ(read_back->database, database);
  EXPECT_EQ(read_back->blobs, blobs);
  EXPECT_TRUE(read_back->ended);
  EXPECT_EQ(read_back->end_count, 3u);
  // The plaintext does not show through.
  const auto needle = Bytes(database.begin() + 5000, database.begin() + 5032);
  EXPECT_EQ(std::search(file.begin(), file.end(), needle.begin(), needle.end()), file.end());
}

TEST_F(BackupFile, AnEmptyStoreBacksUpToo) {
  const auto file = write_backup(key, Bytes{}, {});
  auto read_back = read_backup(key, file);
  ASSERT_TRUE(read_back.has_value()) << read_back.error().describe();
  EXPECT_TRUE(read_back->database.empty());
  EXPECT_EQ(read_back->end_count, 0u);
}

TEST_F(BackupFile, TheKeyIsDerivedFromTheVaultKeyAndNamedInTheFile) {
  EXPECT_TRUE(derive_backup_key(vault_key).equals(key));
  EXPECT_FALSE(derive_backup_key(Secret::random(32)).equals(key));
  const auto file = write_backup(key, database, blobs);
  const auto id = key_id(key);
  EXPECT_TRUE(std::equal(id.begin(), id.end(), file.begin() + 12));
  auto other = read_backup(derive_backup_key(Secret::random(32)), file);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::crypto);
}

TEST_F(BackupFile, EveryChangeIsRefused) {
  const auto file = write_backup(key, database, blobs);
  auto code_of = [&](const Bytes& changed) {
    auto result = read_backup(key, changed);
    return result ? std::optional<ErrorCode>() : std::optional(result.error().code);
  };
  Bytes flipped = file;
  flipped[file.size() / 2] ^= 1;
  EXPECT_EQ(code_of(flipped), ErrorCode::crypto);
  Bytes prefix_changed = file;
  prefix_changed[10] ^= 1;  // the version
  EXPECT_EQ(code_of(prefix_changed), ErrorCode::invalid_argument);
  Bytes not_a_backup = file;
  not_a_backup[0] = 'X';
  EXPECT_EQ(code_of(not_a_backup), ErrorCode::invalid_argument);
  // Cut inside the head, it is no backup file at all; after it, a truncated one.
  EXPECT_EQ(code_of(Bytes(file.begin(), file.begin() + 10)), ErrorCode::invalid_argument);
  for (const std::size_t cut : {std::size_t{52}, std::size_t{60}, file.size() / 3, file.size() - 1}) {
    EXPECT_EQ(code_of(Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(cut))), ErrorCode::corrupt)
        << "cut at " << cut;
  }
  Bytes extra = file;
  extra.push_back(0);
  EXPECT_EQ(code_of(extra), ErrorCode::corrupt);
  // Dropping the first message (after the 52-byte head) breaks the stream.
  const std::size_t first = 52;
  const std::size_t length = (std::size_t{file[first]} << 24) | (std::size_t{file[first + 1]} << 16) |
                             (std::size_t{file[first + 2]} << 8) | file[first + 3];
  Bytes dropped = file;
  dropped.erase(dropped.begin() + first, dropped.begin() + static_cast<std::ptrdiff_t>(first + 4 + length));
  EXPECT_EQ(code_of(dropped), ErrorCode::crypto);
}

TEST_F(BackupFile, TheWriterKeepsRecordsInOrder) {
  Bytes sink;
  auto writer = Writer::create(key, [&](std::span<const std::uint8_t> b) -> Result<void> {
    sink.insert(sink.end(), b.begin(), b.end());
    return ok();
  });
  ASSERT_TRUE(writer.has_value());
  EXPECT_FALSE(writer->begin_blob(1, 0));  // before the database
  ASSERT_TRUE(writer->begin_database(2));
  EXPECT_FALSE(writer->finish());  // the database is incomplete
  EXPECT_FALSE(writer->data(pattern(3, 0)));  // more than announced
  ASSERT_TRUE(writer->data(pattern(2, 0)));
  ASSERT_TRUE(writer->begin_blob(5, 0));
  EXPECT_FALSE(writer->begin_blob(5, 0));  // ids increase
  EXPECT_TRUE(writer->finish());
}

TEST_F(BackupFile, AVisitorsRefusalStopsTheReading) {
  const auto file = write_backup(key, database, blobs);
  const Source source = source_over(file);
  int blobs_seen = 0;
  const Visitor visitor{[](std::uint64_t) { return ok(); },
                        [&](std::int64_t, std::uint64_t) -> Result<void> {
                          if (++blobs_seen == 2) return fail(ErrorCode::io, "disk full");
                          return ok();
                        },
                        [](std::span<const std::uint8_t>) { return ok(); }, [](std::uint64_t) { return ok(); }};
  auto result = read(key, source, visitor);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::io);
  EXPECT_EQ(blobs_seen, 2);
}

}  // namespace
}  // namespace custos::vault::backup
