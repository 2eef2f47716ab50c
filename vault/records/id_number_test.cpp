#include "custos/records/id_number.hpp"

#include <gtest/gtest.h>

namespace custos::records {
namespace {

constexpr Date kToday = *Date::from_ymd(2025, 6, 1);

// One case per rejection branch, matched on the finding code.
struct IdCase {
  const char* label;
  const char* text;
  std::optional<FindingCode> code;  // nullopt: valid
};

class IdNumberTable : public ::testing::TestWithParam<IdCase> {};

TEST_P(IdNumberTable, GivesTheExpectedCode) {
  const IdCase& c = GetParam();
  const auto id = IdNumber::parse(c.text, kToday);
  if (c.code) {
    ASSERT_FALSE(id.has_value()) << c.label;
    EXPECT_EQ(id.error(), *c.code) << c.label << ": got " << to_string(id.error());
  } else {
    EXPECT_TRUE(id.has_value()) << c.label << ": got " << to_string(id.error());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Gb11643, IdNumberTable,
    ::testing::Values(
        IdCase{"valid", "440101199001011233", std::nullopt},
        IdCase{"valid with X", "11010519491231002X", std::nullopt},
        IdCase{"lower-case x", "11010519491231002x", std::nullopt},
        IdCase{"29 February of a leap year", "440101200002290014", std::nullopt},
        IdCase{"15-digit legacy", "110105491231002", std::nullopt},
        IdCase{"wrong check character", "440101199001011234", FindingCode::id_checksum},
        IdCase{"X where a digit is due", "44010119900101123X", FindingCode::id_checksum},
        IdCase{"30 February", "440101199002301230", FindingCode::id_birth_date},
        IdCase{"29 February 1900 (not leap)", "440101190002290010", FindingCode::id_birth_date},
        IdCase{"month 13", "440101199013011233", FindingCode::id_birth_date},
        IdCase{"day 00", "440101199001001233", FindingCode::id_birth_date},
        IdCase{"a future date", "440101203001011231", FindingCode::id_birth_date},
        IdCase{"tomorrow", "440101202506021230", FindingCode::id_birth_date},
        IdCase{"unknown province 99", "990101199001011233", FindingCode::id_region},
        IdCase{"unknown province 16", "160101199001011233", FindingCode::id_region},
        IdCase{"unknown province 00", "000101199001011233", FindingCode::id_region},
        IdCase{"17 characters", "44010119900101123", FindingCode::id_format},
        IdCase{"19 characters", "4401011990010112330", FindingCode::id_format},
        IdCase{"empty", "", FindingCode::id_format},
        IdCase{"a letter inside", "44010119900A011233", FindingCode::id_format},
        IdCase{"X not last", "4401011990X1011233", FindingCode::id_format},
        IdCase{"a space inside", "440101 99001011233", FindingCode::id_format},
        IdCase{"legacy with a letter", "11010549123100X", FindingCode::id_format},
        IdCase{"legacy unknown province", "990105491231002", FindingCode::id_region},
        IdCase{"legacy 30 February", "110105490230002", FindingCode::id_birth_date}),
    [](const ::testing::TestParamInfo<IdCase>& param) { return "case" + std::to_string(param.index); });

TEST(IdNumber, NormalisesLowerCaseX) {
  const auto id = IdNumber::parse("11010519491231002x", kToday);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->text(), "11010519491231002X");
  EXPECT_FALSE(id->was_legacy());
}

TEST(IdNumber, ConvertsLegacyFormTo18Characters) {
  const auto id = IdNumber::parse("110105491231002", kToday);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->text(), "11010519491231002X");
  EXPECT_TRUE(id->was_legacy());
  EXPECT_EQ(id->birth_date(), *Date::from_ymd(1949, 12, 31));
  // The same person written either way is the same customer.
  EXPECT_EQ(id->key(), IdNumber::parse("11010519491231002X", kToday)->key());
}

TEST(IdNumber, ReadsGenderAndBirthDate) {
  const auto male = IdNumber::parse("440101199001011233", kToday);
  ASSERT_TRUE(male);
  EXPECT_EQ(male->gender(), Gender::male);  // 17th digit 3
  EXPECT_EQ(male->birth_date(), *Date::from_ymd(1990, 1, 1));
  const auto female = IdNumber::parse("11010519491231002X", kToday);
  ASSERT_TRUE(female);
  EXPECT_EQ(female->gender(), Gender::female);  // 17th digit 2
}

TEST(IdNumber, BirthOnTodayIsNotFuture) {
  EXPECT_TRUE(IdNumber::parse("440101202506011233", kToday)) << "check char: "
                                                            << id_check_character("44010120250601123");
}

TEST(IdNumber, KeysDifferPerNumber) {
  const auto a = IdNumber::parse("440101199001011233", kToday);
  const auto b = IdNumber::parse("440101200002290014", kToday);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->key(), b->key());
  EXPECT_EQ(a->key() >> 63, 0U);
}

TEST(IdNumber, CheckCharacterTable) {
  EXPECT_EQ(id_check_character("11010519491231002"), 'X');
  EXPECT_EQ(id_check_character("44010119900101123"), '3');
  EXPECT_EQ(id_check_character("44010120000229001"), '4');
}

TEST(IdNumber, ProvinceCodes) {
  for (int code : {11, 15, 21, 23, 31, 37, 41, 46, 50, 54, 61, 65, 71, 81, 82, 83}) {
    EXPECT_TRUE(is_known_province(code)) << code;
  }
  for (int code : {0, 10, 16, 20, 24, 30, 38, 40, 47, 49, 55, 60, 66, 70, 72, 80, 84, 99, -1, 100}) {
    EXPECT_FALSE(is_known_province(code)) << code;
  }
}

}  // namespace
}  // namespace custos::records
