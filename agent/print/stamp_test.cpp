// The stamp on real PDFs, read back with poppler and zbar: every page keeps
// its text and gains the header (受控文件, approval, n/m) and a QR code.
#include "custos/print/stamp.hpp"

#include <gtest/gtest.h>

#include <tuple>

#include "print_test_support.hpp"

namespace custos::print {
namespace {

StampText sample_text() {
  StampText t;
  t.approval = "PR-42";
  t.receiver = "张三";
  t.valid_from = "2026-11-27";
  t.valid_until = "2026-12-31";
  t.printed_at = "2026-11-27 09:00 UTC";
  t.workstation = "agent-3";
  t.code = "CUSTOS-PRINT/1/42/AAAA";
  return t;
}

// Frees the font caches after the last test of this program, so that
// LeakSanitizer reports only leaks of ours.
struct FontCaches : ::testing::Environment {
  void TearDown() override { release_font_caches(); }
};
[[maybe_unused]] const auto* const kFontCaches = ::testing::AddGlobalTestEnvironment(new FontCaches);

TEST(Stamp, EveryPageKeepsItsTextAndGainsTheStamp) {
  const auto original = testing::sample_pdf(3);
  auto stamped = stamp_pdf(original, sample_text());
  ASSERT_TRUE(stamped) << stamped.error().describe();
  testing::PdfProbe probe(*stamped);
  ASSERT_EQ(probe.pages(), 3);
  for (int page = 1; page <= 3; ++page) {
    const auto text = probe.text(page);
    EXPECT_NE(text.find("original text of page " + std::to_string(page)), std::string::npos) << text;
    EXPECT_NE(text.find("原文 " + std::to_string(page)), std::string::npos) << text;
    EXPECT_NE(text.find("受控文件"), std::string::npos) << text;
    EXPECT_NE(text.find("PR-42"), std::string::npos) << text;
    EXPECT_NE(text.find("张三"), std::string::npos) << text;
    EXPECT_NE(text.find("2026-11-27 至 2026-12-31"), std::string::npos) << text;
    EXPECT_NE(text.find(std::to_string(page) + "/3"), std::string::npos) << text;
    EXPECT_EQ(probe.qr(page), "CUSTOS-PRINT/1/42/AAAA");
  }
}

TEST(Stamp, PagesOfOtherSizesAreStampedAtTheirSize) {
  const auto original = testing::sample_pdf(2, 842, 595);  // A4 landscape
  auto stamped = stamp_pdf(original, sample_text());
  ASSERT_TRUE(stamped) << stamped.error().describe();
  testing::PdfProbe probe(*stamped);
  const auto info = testing::run_command("pdfinfo '" + probe.file().string() + "'");
  EXPECT_NE(info.find("842 x 595"), std::string::npos) << info;
  EXPECT_EQ(probe.qr(2), "CUSTOS-PRINT/1/42/AAAA");
}

TEST(Stamp, PreviewSaysSo) {
  auto text = sample_text();
  text.preview = true;
  auto stamped = stamp_pdf(testing::sample_pdf(1), text);
  ASSERT_TRUE(stamped) << stamped.error().describe();
  EXPECT_NE(testing::PdfProbe(*stamped).text(1).find("PREVIEW"), std::string::npos);
}

// A preview of a vault document: the stamp over blank pages of the same
// number and sizes, and nothing of the document's own content.
TEST(Stamp, BlankPagesCarryTheStampAndNoContent) {
  for (const auto& [width, height, size] : {std::tuple{595.28, 841.89, "595.28 x 841.89"},
                                            std::tuple{841.89, 595.28, "841.89 x 595.28"}}) {
    const auto original = testing::sample_pdf(3, width, height);
    auto stamped = stamp_blank_pages(original, preview_stamp("agent-3 ws-claims-07"));
    ASSERT_TRUE(stamped) << stamped.error().describe();
    testing::PdfProbe probe(*stamped);
    ASSERT_EQ(probe.pages(), 3);
    const auto info = testing::run_command("pdfinfo -f 1 -l 3 '" + probe.file().string() + "'");
    for (int page = 1; page <= 3; ++page) {
      const auto text = probe.text(page);
      EXPECT_NE(text.find("受控文件"), std::string::npos) << text;
      EXPECT_NE(text.find("PREVIEW"), std::string::npos) << text;
      EXPECT_NE(text.find("PR-0"), std::string::npos) << text;
      EXPECT_NE(text.find(std::to_string(page) + "/3"), std::string::npos) << text;
      EXPECT_EQ(text.find("original text"), std::string::npos) << text;
      EXPECT_EQ(text.find("原文"), std::string::npos) << text;
      EXPECT_NE(info.find("Page    " + std::to_string(page) + " size:  " + size), std::string::npos) << info;
    }
    EXPECT_EQ(probe.qr(3), "CUSTOS-PRINT/PREVIEW");
  }
  auto broken = testing::sample_pdf(2);
  broken.resize(broken.size() / 2);
  EXPECT_EQ(stamp_blank_pages(broken, preview_stamp("agent-3")).error().code, ErrorCode::invalid_argument);
}

TEST(Stamp, BadInputIsAnErrorAndNothingComesOut) {
  auto original = testing::sample_pdf(2);
  original.resize(original.size() / 2);
  EXPECT_EQ(stamp_pdf(original, sample_text()).error().code, ErrorCode::invalid_argument);
  const std::string not_pdf = "hello";
  EXPECT_EQ(stamp_pdf(as_bytes(not_pdf), sample_text()).error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace custos::print
