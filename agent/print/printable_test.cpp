// Text and CSV laid out into pages, and what is refused.
#include "custos/print/printable.hpp"

#include <gtest/gtest.h>

#include "print_test_support.hpp"

namespace custos::print {
namespace {

TEST(Printable, ChineseTextIsLaidOutOnPages) {
  std::string text = "客户回访记录 2026年11月\n";
  for (int i = 1; i <= 120; ++i) text += "第 " + std::to_string(i) + " 行：保单号 P" + std::to_string(1000 + i) + "\n";
  auto pdf = printable_pdf(as_bytes(text), "text/plain", "notes.txt");
  ASSERT_TRUE(pdf) << pdf.error().describe();
  testing::PdfProbe probe(*pdf);
  ASSERT_GE(probe.pages(), 2);
  EXPECT_NE(probe.text(1).find("客户回访记录"), std::string::npos);
  EXPECT_NE(probe.text(probe.pages()).find("第 120 行"), std::string::npos);
}

TEST(Printable, CsvRepeatsItsHeaderOnEveryPage) {
  std::string csv = "保单号,姓名,电话\n";
  for (int i = 1; i <= 150; ++i) csv += "P" + std::to_string(1000 + i) + ",客户" + std::to_string(i) + ",1380000" + std::to_string(1000 + i) + "\n";
  auto pdf = printable_pdf(as_bytes(csv), "", "list.csv");
  ASSERT_TRUE(pdf) << pdf.error().describe();
  testing::PdfProbe probe(*pdf);
  ASSERT_GE(probe.pages(), 2);
  for (int page = 1; page <= probe.pages(); ++page) {
    const auto text = probe.text(page);
    EXPECT_NE(text.find("保单号"), std::string::npos) << "page " << page;
    EXPECT_NE(text.find("电话"), std::string::npos) << "page " << page;
  }
  EXPECT_NE(probe.text(probe.pages()).find("客户150"), std::string::npos);
}

TEST(Printable, OtherInputIsRefused) {
  EXPECT_EQ(printable_pdf(as_bytes("PK\x03\x04"), "application/zip", "a.docx").error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(printable_pdf(as_bytes("\xB1\xA3\xB5\xA5"), "text/plain", "gbk.txt").error().code,
            ErrorCode::invalid_argument) << "GBK text";
  EXPECT_EQ(printable_pdf(as_bytes("a,\"b\n"), "text/csv", "bad.csv").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(printable_pdf(as_bytes("%PDF-1.4 nothing"), "application/pdf", "x.pdf").error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(input_kind("application/octet-stream", "scan.pdf", {}), InputKind::pdf);
  EXPECT_EQ(input_kind("application/octet-stream", "", as_bytes("%PDF-1.7")), InputKind::pdf);
  EXPECT_EQ(input_kind("text/csv; charset=utf-8", "", {}), InputKind::csv);
}

}  // namespace
}  // namespace custos::print
