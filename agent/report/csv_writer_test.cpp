#include "custos/report/csv_writer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custos/platform/files.hpp"

namespace custos::report {
namespace {

struct FieldCase {
  const char* cell;
  const char* field;
};
class CsvField : public ::testing::TestWithParam<FieldCase> {};

TEST_P(CsvField, QuotesAndGuards) {
  EXPECT_EQ(csv_field(GetParam().cell), GetParam().field) << GetParam().cell;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4180AndInjection, CsvField,
    ::testing::Values(
        // Plain text, Chinese included, goes through untouched.
        FieldCase{"clerk1", "clerk1"}, FieldCase{"", ""}, FieldCase{"已撤销", "已撤销"},
        FieldCase{"2026-11-03 09:15:00", "2026-11-03 09:15:00"}, FieldCase{"a=b", "a=b"},
        // RFC 4180: comma, quote, CR and LF force quotes; quotes are doubled.
        FieldCase{"a,b", "\"a,b\""}, FieldCase{"say \"hi\"", "\"say \"\"hi\"\"\""}, FieldCase{"\"", "\"\"\"\""},
        FieldCase{"line1\nline2", "\"line1\nline2\""}, FieldCase{"a\rb", "\"a\rb\""},
        // Formula guard: =, +, -, @, tab and CR at the start get an apostrophe.
        FieldCase{"=1+2", "'=1+2"}, FieldCase{"+86 10", "'+86 10"}, FieldCase{"-5", "'-5"},
        FieldCase{"@SUM(A1)", "'@SUM(A1)"}, FieldCase{"\t=1", "'\t=1"},
        FieldCase{"\r=1", "\"'\r=1\""},
        // Guard first, then quoting of what the guarded text needs.
        FieldCase{"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        FieldCase{"'already", "'already"}));

TEST(Csv, StartsWithBomAndEndsRecordsWithCrlf) {
  const Table table{{"序号", "借阅人", "状态"}, {{"1", "张三", "有效"}, {"2", "li,si", "已撤销"}}, {0}};
  auto csv = to_csv(table);
  ASSERT_TRUE(csv) << csv.error().describe();
  EXPECT_EQ(*csv, "\xEF\xBB\xBF序号,借阅人,状态\r\n1,张三,有效\r\n2,\"li,si\",已撤销\r\n");
}

TEST(Csv, HeadingsAreGuardedToo) {
  auto csv = to_csv(Table{{"=cmd"}, {{"-1"}}, {}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(*csv, std::string(kUtf8Bom) + "'=cmd\r\n'-1\r\n");
}

TEST(Csv, EmptyTableIsTheHeadingRecord) {
  auto csv = to_csv(Table{{"a", "b"}, {}, {}});
  ASSERT_TRUE(csv);
  EXPECT_EQ(*csv, std::string(kUtf8Bom) + "a,b\r\n");
}

TEST(Csv, RefusesARaggedTable) {
  EXPECT_EQ(to_csv(Table{{"a", "b"}, {{"1"}}, {}}).error().code, ErrorCode::invalid_argument);
}

TEST(Csv, WritesAPrivateFileAtomically) {
  const auto dir = std::filesystem::temp_directory_path() / ("custos-csv-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = dir / "register.csv";
  ASSERT_TRUE(files::write_atomic(path, std::string_view("old"), 0644));
  ASSERT_TRUE(write_csv(Table{{"a"}, {{"=x"}}, {}}, path));
  auto text = files::read_text(path);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, std::string(kUtf8Bom) + "a\r\n'=x\r\n");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, kReportFileMode);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1) << "no temporary left behind";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace custos::report
