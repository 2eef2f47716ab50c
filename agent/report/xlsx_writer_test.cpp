// The XLSX writer, checked by opening what it wrote: an XLSX file is a ZIP
// of XML parts, which `unzip -p` prints one at a time.
#include "custos/report/xlsx_writer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "custos/platform/files.hpp"

namespace custos::report {
namespace {

class XlsxWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("custos-xlsx-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  // One part of the ZIP, as text ("" when unzip cannot read it).
  static std::string part(const std::filesystem::path& file, const char* member) {
    const std::string command = "/usr/bin/unzip -p '" + file.string() + "' " + member + " 2>/dev/null";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {};
    std::string out;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
    return out;
  }

  std::size_t entries() const { return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {})); }

  std::filesystem::path dir;
  const Table table{{"序号", "借阅人", "状态"},
                    {{"1", "张三", "已撤销"}, {"2", "=1+2", "有效"}},
                    {0}};
};

TEST_F(XlsxWriter, WritesAWorkbookWithTheHeadingsAndRows) {
  const auto path = dir / "lending.xlsx";
  auto written = write_xlsx(table, path, {"借阅记录 2026-11"});
  ASSERT_TRUE(written) << written.error().describe();

  auto bytes = files::read_text(path);
  ASSERT_TRUE(bytes);
  ASSERT_TRUE(bytes->starts_with("PK\x03\x04")) << "an XLSX file is a ZIP archive";

  const auto strings = part(path, "xl/sharedStrings.xml");
  for (const char* text : {"序号", "借阅人", "状态", "张三", "已撤销", "有效", "=1+2"}) {
    EXPECT_NE(strings.find(std::string(">") + text + "<"), std::string::npos) << text << " in\n" << strings;
  }
  const auto sheet = part(path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<c r=\"A2\"><v>1</v></c>"), std::string::npos) << "the number column holds numbers\n" << sheet;
  EXPECT_NE(sheet.find("<c r=\"B3\" t=\"s\">"), std::string::npos) << "a formula-like cell stays a string\n" << sheet;
  EXPECT_EQ(sheet.find("<f>"), std::string::npos) << "no formulas";
  EXPECT_NE(sheet.find("state=\"frozen\""), std::string::npos) << "the heading row is frozen";
  EXPECT_NE(sheet.find("ySplit=\"1\""), std::string::npos);
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:C3\"/>"), std::string::npos);
  EXPECT_NE(sheet.find("<col min=\"2\" max=\"2\" width=\"10"), std::string::npos)
      << "借阅人 is six columns wide, plus room for the filter button\n" << sheet;
  EXPECT_NE(part(path, "xl/workbook.xml").find("name=\"借阅记录 2026-11\""), std::string::npos);
  EXPECT_NE(part(path, "xl/styles.xml").find("<b/>"), std::string::npos) << "the headings are bold";
}

TEST_F(XlsxWriter, IsPrivateAndLeavesNoTemporary) {
  const auto path = dir / "lending.xlsx";
  ASSERT_TRUE(files::write_atomic(path, std::string_view("an older register"), 0644));
  ASSERT_TRUE(write_xlsx(table, path, {"x"}));
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, kReportFileMode);
  EXPECT_NE(part(path, "xl/sharedStrings.xml").find("张三"), std::string::npos) << "the old file was replaced";
  EXPECT_EQ(entries(), 1u) << "the scratch folder is gone";
}

TEST_F(XlsxWriter, AnEmptyTableIsTheHeadingRow) {
  const auto path = dir / "empty.xlsx";
  ASSERT_TRUE(write_xlsx(Table{{"序号"}, {}, {}}, path, {"empty"}));
  EXPECT_NE(part(path, "xl/sharedStrings.xml").find("序号"), std::string::npos);
}

struct BadSheet {
  const char* name;
};
class XlsxSheetNames : public XlsxWriter, public ::testing::WithParamInterface<BadSheet> {};

TEST_P(XlsxSheetNames, AreRefusedBeforeAnythingIsWritten) {
  const auto path = dir / "bad.xlsx";
  EXPECT_EQ(write_xlsx(table, path, {GetParam().name}).error().code, ErrorCode::invalid_argument) << GetParam().name;
  EXPECT_EQ(entries(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Excel, XlsxSheetNames,
                         ::testing::Values(BadSheet{""}, BadSheet{"a/b"}, BadSheet{"a[1]"}, BadSheet{"what?"},
                                           BadSheet{"a:b"}, BadSheet{"a*"}, BadSheet{"a\\b"}, BadSheet{"'quoted"},
                                           BadSheet{"quoted'"}, BadSheet{"12345678901234567890123456789012"},
                                           BadSheet{"借阅记录借阅记录借阅记录借阅记录借阅记录借阅记录借阅记录借阅记录"}));

TEST_F(XlsxWriter, ThirtyOneChineseCharactersAreAllowed) {
  EXPECT_TRUE(check_sheet_name("借阅记录借阅记录借阅记录借阅记录借阅记录借阅记录借阅记录借阅记"));
}

TEST_F(XlsxWriter, RefusesARaggedTableAndAMissingFolder) {
  EXPECT_EQ(write_xlsx(Table{{"a", "b"}, {{"1"}}, {}}, dir / "x.xlsx").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(write_xlsx(table, dir / "no-such-folder" / "x.xlsx").error().code, ErrorCode::io);
  EXPECT_EQ(entries(), 0u);
}

TEST_F(XlsxWriter, RefusesACellLongerThanExcelAllows) {
  const Table huge{{"a"}, {{std::string(40000, 'x')}}, {}};
  EXPECT_EQ(write_xlsx(huge, dir / "x.xlsx").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(entries(), 0u);
}

}  // namespace
}  // namespace custos::report
