#include "custos/records/csv_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace custos::records {
namespace {

using Records = std::vector<std::vector<std::string>>;

Result<Records> read_all(std::string_view bytes, CsvLimits limits = {}) {
  auto source = source_from_memory(bytes);
  CsvReader reader(*source, limits);
  Records records;
  for (;;) {
    auto more = reader.next();
    if (!more) return fail(std::move(more).error());
    if (!*more) return records;
    auto& record = records.emplace_back();
    for (std::size_t i = 0; i < reader.field_count(); ++i) record.emplace_back(reader.field(i));
  }
}

// Every case is read with several chunk sizes, so records, quotes, CRLF
// pairs and the byte-order mark straddle chunk boundaries at every offset.
constexpr std::size_t kChunks[] = {1, 2, 3, 5, 7, 64, 256 * 1024};

void expect_records(std::string_view bytes, const Records& expected) {
  for (const std::size_t chunk : kChunks) {
    CsvLimits limits;
    limits.chunk_bytes = chunk;
    const auto got = read_all(bytes, limits);
    ASSERT_TRUE(got) << "chunk " << chunk << ": " << got.error().message;
    EXPECT_EQ(*got, expected) << "chunk " << chunk;
  }
}

Error expect_error(std::string_view bytes, CsvLimits limits = {}) {
  Error first{ErrorCode::internal, ""};
  for (const std::size_t chunk : kChunks) {
    limits.chunk_bytes = chunk;
    const auto got = read_all(bytes, limits);
    EXPECT_FALSE(got) << "chunk " << chunk;
    if (got) continue;
    if (first.message.empty()) first = got.error();
    EXPECT_EQ(got.error().message, first.message) << "chunk " << chunk;
  }
  return first;
}

TEST(CsvReader, PlainFields) {
  ASSERT_NO_FATAL_FAILURE(expect_records("a,b,c\n1,2,3\n", {{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReader, QuotedFieldsWithCommasQuotesAndNewlines) {
  ASSERT_NO_FATAL_FAILURE(expect_records("name,address\n\"Li, Lei\",\"Room \"\"8\"\"\nBuilding 2\"\n",
                 {{"name", "address"}, {"Li, Lei", "Room \"8\"\nBuilding 2"}}));
}

TEST(CsvReader, CrLfAndLoneCrAndMissingFinalBreak) {
  ASSERT_NO_FATAL_FAILURE(expect_records("a,b\r\n1,2\r\n3,4", {{"a", "b"}, {"1", "2"}, {"3", "4"}}));
  ASSERT_NO_FATAL_FAILURE(expect_records("a\r1\r", {{"a"}, {"1"}}));
  ASSERT_NO_FATAL_FAILURE(expect_records("\"x\r\ny\"\r\n", {{"x\r\ny"}}));
}

TEST(CsvReader, SkipsByteOrderMark) {
  ASSERT_NO_FATAL_FAILURE(expect_records("\xEF\xBB\xBF姓名,证件号码\n张三,1\n", {{"姓名", "证件号码"}, {"张三", "1"}}));
  ASSERT_NO_FATAL_FAILURE(expect_records("\xEF\xBB\xBF", {}));
  ASSERT_NO_FATAL_FAILURE(expect_records("\xEF\xBB\xBF\"q\"", {{"q"}}));
}

TEST(CsvReader, EmptyFieldsAndEmptyLines) {
  ASSERT_NO_FATAL_FAILURE(expect_records("a,,c,\n\n\r\n,\n\"\"\n", {{"a", "", "c", ""}, {"", ""}, {""}}));
  ASSERT_NO_FATAL_FAILURE(expect_records("", {}));
  ASSERT_NO_FATAL_FAILURE(expect_records("\n\n", {}));
}

TEST(CsvReader, ReportsLinesOfRecords) {
  auto source = source_from_memory("h\n\n\"a\nb\"\nc\n");
  CsvReader reader(*source);
  ASSERT_TRUE(*reader.next());
  EXPECT_EQ(reader.record_line(), 1U);
  ASSERT_TRUE(*reader.next());
  EXPECT_EQ(reader.record_line(), 3U);
  ASSERT_TRUE(*reader.next());
  EXPECT_EQ(reader.record_line(), 5U);
  EXPECT_FALSE(*reader.next());
}

TEST(CsvReader, UnterminatedQuoteNamesLineAndColumn) {
  const Error error = expect_error("a,b\n1,\"open\n2,3\n");
  EXPECT_EQ(error.code, ErrorCode::invalid_argument);
  EXPECT_EQ(error.message.rfind("line 2, column 3: unterminated quoted field", 0), 0U) << error.message;
}

TEST(CsvReader, ColumnsCountCharactersNotBytes) {
  const Error error = expect_error("\xEF\xBB\xBF张三,\"李四");
  EXPECT_EQ(error.message.rfind("line 1, column 4:", 0), 0U) << error.message;
}

TEST(CsvReader, QuoteInsideUnquotedField) {
  const Error error = expect_error("a,b\nab\"c,d\n");
  EXPECT_EQ(error.code, ErrorCode::invalid_argument);
  EXPECT_EQ(error.message.rfind("line 2, column 3: a quote inside an unquoted field", 0), 0U) << error.message;
}

TEST(CsvReader, TextAfterClosingQuote) {
  const Error error = expect_error("\"ab\"c,d\n");
  EXPECT_EQ(error.message.rfind("line 1, column 5: text after the closing quote", 0), 0U) << error.message;
}

TEST(CsvReader, RejectsGbkBytes) {
  // "张三" in GBK: D5 C5 C8 FD.
  const Error error = expect_error("name,id\n\xD5\xC5\xC8\xFD,1\n");
  EXPECT_EQ(error.code, ErrorCode::invalid_argument);
  EXPECT_NE(error.message.find("line 2, field 1"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("UTF-8"), std::string::npos) << error.message;
}

TEST(CsvReader, RejectsACharacterSplitByASeparator) {
  // E5 | A7 93 would read as 姓 (E5 A7 93) if the fields were joined.
  const Error error = expect_error("me\xE5,\xA7\x93\n");
  EXPECT_NE(error.message.find("line 1, field 1"), std::string::npos) << error.message;
  const Error quoted = expect_error("\"me\xE5\",\"\xA7\x93\"\n");
  EXPECT_NE(quoted.message.find("line 1, field 1"), std::string::npos) << quoted.message;
}

TEST(CsvReader, AcceptsNonUtf8WhenAsked) {
  CsvLimits limits;
  limits.require_utf8 = false;
  const auto got = read_all("\xD5\xC5\n", limits);
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)[0][0], "\xD5\xC5");
}

TEST(CsvReader, EnforcesFieldLimit) {
  CsvLimits limits;
  limits.max_field_bytes = 8;
  EXPECT_EQ(expect_error("123456789\n", limits).code, ErrorCode::too_large);
  EXPECT_EQ(expect_error("\"123456789", limits).code, ErrorCode::too_large);
  ASSERT_NO_FATAL_FAILURE(expect_records("12345678\n", {{"12345678"}}));
}

TEST(CsvReader, EnforcesRecordAndFieldCountLimits) {
  CsvLimits limits;
  limits.max_record_bytes = 10;
  EXPECT_EQ(expect_error("12345,67890,1\n", limits).code, ErrorCode::too_large);
  limits = {};
  limits.max_fields = 3;
  EXPECT_EQ(expect_error("a,b,c,d\n", limits).code, ErrorCode::too_large);
}

TEST(CsvReader, StaysFailedAfterAnError) {
  auto source = source_from_memory("\"x");
  CsvReader reader(*source);
  const auto first = reader.next();
  ASSERT_FALSE(first);
  const auto second = reader.next();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message, first.error().message);
}

class FailingSource final : public ByteSource {
 public:
  Result<std::size_t> read(std::span<char> buffer) override {
    if (calls_++ == 0) {
      buffer[0] = 'a';
      return 1;
    }
    return fail(ErrorCode::io, "disk on fire");
  }

 private:
  int calls_ = 0;
};

TEST(CsvReader, PassesOnReadErrors) {
  FailingSource source;
  CsvReader reader(source);
  const auto got = reader.next();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::io);
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii text, long enough for words"));
  EXPECT_TRUE(is_valid_utf8("投保人姓名 😀"));
  std::size_t at = 99;
  EXPECT_FALSE(is_valid_utf8("abc\xC0\x80", &at));  // overlong
  EXPECT_EQ(at, 3U);
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE6\x8A"));          // truncated
}

}  // namespace
}  // namespace custos::records
