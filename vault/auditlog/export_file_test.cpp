#include "custos/auditlog/export_file.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "custos/auditlog/entry.hpp"

namespace custos::auditlog {
namespace {

// A log of `count` entries whose vault signs a head every `head_every`
// entries and at the end; export() writes the file of [start, count).
class Log {
 public:
  Log(std::uint64_t count, std::uint64_t head_every) : key_(SigningKey::generate()) {
    merkle::CompactRange range;
    for (std::uint64_t seq = 1; seq <= count; ++seq) {
      Entry e;
      e.seq = seq;
      e.time = 1795737600 + static_cast<std::int64_t>(seq);
      e.request_id = "r" + std::to_string(seq * 7919 % 10007);
      e.actor_id = seq % 5;
      e.actor = e.actor_id == 0 ? "" : "user" + std::to_string(e.actor_id);
      e.source = "10.0.0." + std::to_string(seq % 250);
      e.action = seq % 3 == 0 ? "document.content" : "session.login";
      e.target = "document:" + std::to_string(seq % 17);
      e.allowed = seq % 4 != 0;
      e.reason = e.allowed ? "ok" : "permission_denied";
      e.detail = "{\"n\":" + std::to_string(seq) + "}";
      entries_.push_back(e);
      hashes_.push_back(*entry_leaf_hash(e));
      range.append(hashes_.back());
      ranges_.push_back(range);  // ranges_[i]: the first i + 1 entries
      if (seq % head_every == 0 || seq == count) heads_.push_back(sign(seq, range.root()));
    }
  }

  merkle::SignedTreeHead sign(std::uint64_t size, const merkle::Hash& root) const {
    return *merkle::sign_tree_head({merkle::log_id_for(key_.public_key()), size, root, 1795737600}, key_);
  }

  // Line 0 is the header.
  std::vector<std::string> export_lines(std::uint64_t start = 0) const {
    ExportHeader header;
    header.log_id = merkle::log_id_for(key_.public_key());
    header.start_range = start == 0 ? merkle::CompactRange() : ranges_[start - 1];
    for (const auto& head : heads_) {
      if (head.head.tree_size > start) header.heads.push_back(head);
    }
    std::vector<std::string> lines{to_header_line(header)};
    for (std::uint64_t i = start; i < entries_.size(); ++i) lines.push_back(to_json_line(entries_[i], &hashes_[i]));
    return lines;
  }

  PublicKey public_key() const { return key_.public_key(); }
  const std::vector<merkle::SignedTreeHead>& heads() const { return heads_; }

 private:
  SigningKey key_;
  std::vector<Entry> entries_;
  std::vector<merkle::Hash> hashes_;
  std::vector<merkle::CompactRange> ranges_;
  std::vector<merkle::SignedTreeHead> heads_;
};

ExportVerdict verify(const std::vector<std::string>& lines, const PublicKey& key,
                     std::span<const merkle::SignedTreeHead> saved = {}) {
  auto verifier = ExportFileVerifier::begin(lines.at(0), key, saved);
  if (!verifier) {
    ExportVerdict refused;
    refused.error = verifier.error();
    return refused;
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (!verifier->add_line(lines[i])) break;
  }
  return verifier->finish();
}

TEST(ExportFile, AnIntactExportVerifiesAndEndsAtItsLastHead) {
  const Log log(100, 16);
  const auto verdict = verify(log.export_lines(), log.public_key());
  ASSERT_TRUE(verdict.ok()) << verdict.error->describe();
  EXPECT_EQ(verdict.end, 100u);
  EXPECT_EQ(verdict.verified_through, 100u);
  EXPECT_EQ(verdict.heads_checked, log.heads().size());
  ASSERT_TRUE(verdict.last_head);
  EXPECT_EQ(verdict.last_head->head.tree_size, 100u);
}

TEST(ExportFile, AnExportFromMidLogVerifiesWithItsStartRange) {
  const Log log(100, 16);
  const auto verdict = verify(log.export_lines(40), log.public_key());
  ASSERT_TRUE(verdict.ok()) << verdict.error->describe();
  EXPECT_EQ(verdict.start, 40u);
  EXPECT_EQ(verdict.end, 100u);
}

TEST(ExportFile, AnotherVaultsKeyIsRefused) {
  const Log log(20, 16);
  const Log other(20, 16);
  const auto verdict = verify(log.export_lines(), other.public_key());
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error->code, ErrorCode::crypto);
}

TEST(ExportFile, DroppedDuplicatedAndSwappedEntriesAreNamed) {
  const Log log(64, 16);
  const auto lines = log.export_lines();
  auto dropped = lines;
  dropped.erase(dropped.begin() + 30);  // entry 30
  auto duplicated = lines;
  duplicated.insert(duplicated.begin() + 30, lines[30]);
  auto swapped = lines;
  std::swap(swapped[30], swapped[31]);
  auto cut = lines;
  cut.pop_back();
  for (const auto* tampered : {&dropped, &duplicated, &swapped}) {
    const auto verdict = verify(*tampered, log.public_key());
    ASSERT_FALSE(verdict.ok());
    EXPECT_EQ(verdict.error->code, ErrorCode::corrupt);
    ASSERT_TRUE(verdict.bad_seq);
    // The first position that holds the wrong entry.
    EXPECT_EQ(*verdict.bad_seq, tampered == &duplicated ? 31u : 30u) << verdict.error->message;
  }
  const auto verdict = verify(cut, log.public_key());
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error->code, ErrorCode::corrupt);
}

TEST(ExportFile, AHeadSavedFromAnotherHistoryExposesAFork) {
  const Log log(64, 16);
  const auto lines = log.export_lines();
  // The auditor saw, earlier, a head of size 32 with another root: the vault
  // has since shown a different history.
  const std::vector<merkle::SignedTreeHead> saved{log.sign(32, merkle::empty_root())};
  const auto verdict = verify(lines, log.public_key(), saved);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error->code, ErrorCode::conflict);
  // A saved head past the export's end says nothing about it.
  const std::vector<merkle::SignedTreeHead> later{log.sign(80, merkle::empty_root())};
  EXPECT_TRUE(verify(lines, log.public_key(), later).ok());
  // One on the same history within it is checked and passes.
  EXPECT_TRUE(verify(lines, log.public_key(), std::span(log.heads()).first(1)).ok());
}

TEST(ExportFile, AForgedHeadIsRefused) {
  const Log log(32, 16);
  auto lines = log.export_lines();
  ExportHeader header = *parse_header_line(lines[0]);
  header.heads[0].head.tree_size = 15;
  lines[0] = to_header_line(header);
  const auto verdict = verify(lines, log.public_key());
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error->code, ErrorCode::crypto);
}

// The batch reader (lines read and hashed on several threads) gives the
// same verdict as reading line by line, intact or changed in any way.
TEST(ExportFile, ReadingInParallelBatchesGivesTheSameVerdict) {
  const Log log(1200, 16);
  const auto lines = log.export_lines();
  const auto key = log.public_key();
  std::mt19937 rng(11);
  for (int round = 0; round < 120; ++round) {
    auto changed = lines;
    switch (round % 4) {
      case 0: {  // one byte
        auto& line = changed[1 + rng() % (changed.size() - 1)];
        line[rng() % line.size()] ^= static_cast<char>(1 + rng() % 255);
        break;
      }
      case 1:
        changed.erase(changed.begin() + 1 + static_cast<std::ptrdiff_t>(rng() % (changed.size() - 1)));
        break;
      case 2: {
        const auto at = 1 + rng() % (changed.size() - 2);
        std::swap(changed[at], changed[at + 1]);
        break;
      }
      default:
        break;  // intact
    }
    auto one = *ExportFileVerifier::begin(changed[0], key);
    for (std::size_t i = 1; i < changed.size() && one.add_line(changed[i]); ++i) {
    }
    auto batched = *ExportFileVerifier::begin(changed[0], key);
    // Batches of one chunk, of several (read on several threads), and the whole export at once.
    const std::span<const std::string> entries(changed.begin() + 1, changed.end());
    const std::size_t batch = std::array<std::size_t, 3>{7, 700, entries.size()}[round % 3];
    for (std::size_t at = 0; at < entries.size(); at += batch) {
      if (!batched.add_lines(entries.subspan(at, std::min(batch, entries.size() - at)), 2 + round % 3)) break;
    }
    const auto a = one.finish(), b = batched.finish();
    ASSERT_EQ(a.ok(), b.ok()) << round;
    EXPECT_EQ(a.bad_seq, b.bad_seq) << round;
    EXPECT_EQ(a.bad_seq_end, b.bad_seq_end) << round;
    EXPECT_EQ(a.verified_through, b.verified_through) << round;
    if (!a.ok()) {
      EXPECT_EQ(a.error->code, b.error->code) << round;
    }
  }
}

// Every single byte of a 1,000-entry export, changed: verification fails and
// names the entry (or, in the header, refuses the file). The verifier is
// copied after each intact line, so each change costs only the lines up to
// the next head (the vault signs one every 50 entries here).
TEST(ExportFile, EveryChangedByteOfAThousandEntryExportIsNamed) {
  const Log log(1000, 50);
  const auto lines = log.export_lines();
  const auto key = log.public_key();
  std::size_t mutations = 0;

  // The header: any changed byte makes the file unreadable or its heads false.
  for (std::size_t at = 0; at < lines[0].size(); ++at) {
    auto header = lines[0];
    header[at] = static_cast<char>(header[at] ^ 0x01);
    auto verifier = ExportFileVerifier::begin(header, key);
    if (verifier) {
      // Only a head's bytes can still parse; then its signature fails... or
      // the change hit a part that names nothing the entries depend on.
      ADD_FAILURE() << "a change at header byte " << at << " was accepted";
    }
    ++mutations;
  }

  auto intact = *ExportFileVerifier::begin(lines[0], key);
  for (std::size_t line = 1; line < lines.size(); ++line) {
    const std::uint64_t seq = line;
    for (std::size_t at = 0; at < lines[line].size(); ++at) {
      {
        auto changed = lines[line];
        changed[at] = static_cast<char>(changed[at] ^ 0x01);
        auto verifier = intact;
        bool going = verifier.add_line(changed);
        for (std::size_t next = line + 1; going && next < lines.size(); ++next) going = verifier.add_line(lines[next]);
        const auto verdict = verifier.finish();
        ++mutations;
        ASSERT_FALSE(verdict.ok()) << "line " << line << " byte " << at;
        ASSERT_TRUE(verdict.bad_seq) << verdict.error->message;
        ASSERT_EQ(*verdict.bad_seq, seq) << "line " << line << " byte " << at << ": " << verdict.error->message;
        ASSERT_FALSE(verdict.bad_seq_end) << verdict.error->message;
      }
    }
    ASSERT_TRUE(intact.add_line(lines[line]));
  }
  EXPECT_TRUE(intact.finish().ok());
  EXPECT_GT(mutations, 100'000u);
}

}  // namespace
}  // namespace custos::auditlog
