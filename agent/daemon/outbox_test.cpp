#include "custos/agent/outbox.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "testing_support.hpp"

namespace custos::agent {
namespace {

TEST(Outbox, SequencesIncreaseSurviveRestartsAndAreNeverReused) {
  testing::TempDir dir;
  const auto file = dir.path() / "outbox.db";
  std::vector<std::int64_t> seqs;
  {
    auto box = Outbox::open(file, 1 << 20);
    ASSERT_TRUE(box) << box.error().describe();
    for (int i = 0; i < 3; ++i) {
      auto seq = (*box)->append("device.decision", Severity::info, R"({"n":)" + std::to_string(i) + "}", 100 + i);
      ASSERT_TRUE(seq) << seq.error().describe();
      seqs.push_back(*seq);
    }
    EXPECT_EQ(seqs, (std::vector<std::int64_t>{1, 2, 3}));
    // The newest two acknowledged and deleted: their numbers stay used.
    const std::vector<std::int64_t> acked{2, 3, 99};
    ASSERT_TRUE((*box)->remove(acked));
    EXPECT_EQ((*box)->depth(), 1);
  }
  auto box = Outbox::open(file, 1 << 20);
  ASSERT_TRUE(box) << box.error().describe();
  EXPECT_EQ((*box)->depth(), 1);
  auto next = (*box)->append("agent.started", Severity::info, "{}", 200);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 4);
  auto held = (*box)->oldest(10);
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].seq, 1);
  EXPECT_EQ((*held)[0].time, 100);
  EXPECT_EQ((*held)[0].detail, R"({"n":0})");
  EXPECT_EQ((*held)[1].seq, 4);
  EXPECT_EQ((*held)[1].kind, "agent.started");
}

TEST(Outbox, ShedsInfoFirstNeverWarningsAndRecordsTheGap) {
  testing::TempDir dir;
  const std::string detail(100, 'x');
  const std::string text = "\"" + detail + "\"";
  // Room for about six events of ~180 bytes.
  auto box = Outbox::open(dir.path() / "outbox.db", 1100);
  ASSERT_TRUE(box);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*box)->append("device.decision", Severity::warning, text, 1));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*box)->append("device.removed", Severity::info, text, 2));
  // Full: a new warning pushes out the oldest info events.
  auto seq = (*box)->append("device.decision", Severity::critical, text, 3);
  ASSERT_TRUE(seq);
  EXPECT_GT(*seq, 0);
  auto held = (*box)->oldest(100);
  ASSERT_TRUE(held);
  int warnings = 0, infos = 0, gaps = 0;
  for (const auto& e : *held) {
    if (e.kind == "agent.gap") {
      ++gaps;
      EXPECT_EQ(e.severity, Severity::warning);
      const auto gap = boost::json::parse(e.detail).as_object();
      EXPECT_GE(gap.at("shed").as_int64(), 1);
      EXPECT_EQ(gap.at("first_seq").as_int64(), 4);
    } else if (e.severity == Severity::info) {
      ++infos;
    } else {
      ++warnings;
    }
  }
  EXPECT_EQ(warnings, 4);
  EXPECT_EQ(gaps, 1);
  EXPECT_LT(infos, 3);

  // With only warnings left to shed, warnings are kept past the bound and a
  // new info event is dropped (and counted).
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*box)->append("device.decision", Severity::warning, text, 4));
  auto dropped = (*box)->append("device.removed", Severity::info, text, 5);
  ASSERT_TRUE(dropped);
  EXPECT_EQ(*dropped, 0);
  auto after = (*box)->oldest(100);
  ASSERT_TRUE(after);
  int kept_warnings = 0;
  for (const auto& e : *after) {
    if (e.kind == "device.decision") ++kept_warnings;
  }
  EXPECT_EQ(kept_warnings, 14);
  EXPECT_GT((*box)->bytes(), 1100);
}

}  // namespace
}  // namespace custos::agent
