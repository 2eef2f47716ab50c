#include "custos/records/contact_validators.hpp"

#include <gtest/gtest.h>

namespace custos::records {
namespace {

struct NumberCase {
  const char* text;
  bool valid;
};

class MobilePhoneTable : public ::testing::TestWithParam<NumberCase> {};

TEST_P(MobilePhoneTable, Checks) {
  const auto result = check_mobile_phone(GetParam().text);
  EXPECT_EQ(result.has_value(), GetParam().valid) << GetParam().text;
  if (!result) {
    EXPECT_EQ(result.error(), FindingCode::phone_format);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, MobilePhoneTable,
                         ::testing::Values(NumberCase{"13800138000", true}, NumberCase{"19912345678", true},
                                           NumberCase{"138-0013-8000", true}, NumberCase{"138 0013 8000", true},
                                           NumberCase{"12800138000", false},   // second digit 2
                                           NumberCase{"23800138000", false},   // not starting 1
                                           NumberCase{"1380013800", false},    // 10 digits
                                           NumberCase{"138001380001", false},  // 12 digits
                                           NumberCase{"1380013800a", false}, NumberCase{"+8613800138000", false},
                                           NumberCase{"", false}, NumberCase{"010-12345678", false}));

class BankCardTable : public ::testing::TestWithParam<NumberCase> {};

TEST_P(BankCardTable, Checks) {
  const auto result = check_bank_card(GetParam().text);
  EXPECT_EQ(result.has_value(), GetParam().valid) << GetParam().text;
  if (!result) {
    EXPECT_EQ(result.error(), FindingCode::bank_card_luhn);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BankCardTable,
                         ::testing::Values(NumberCase{"4111111111111111", true},
                                           NumberCase{"622202020000000005", true},  // 18 digits
                                           NumberCase{"623456789014", true},        // 12 digits
                                           NumberCase{"6222 0202 0000 0005", true},
                                           NumberCase{"4111111111111112", false},  // Luhn
                                           NumberCase{"62345678901", false},       // 11 digits
                                           NumberCase{"41111111111111111111", false},  // 20 digits
                                           NumberCase{"411111111111111a", false}, NumberCase{"", false}));

TEST(Luhn, KnownValues) {
  EXPECT_TRUE(luhn_valid("79927398713"));
  EXPECT_FALSE(luhn_valid("79927398710"));
  EXPECT_FALSE(luhn_valid(""));
  EXPECT_FALSE(luhn_valid("7992739871x"));
}

TEST(CompactNumber, RemovesSeparatorsOnly) {
  EXPECT_EQ(CompactNumber::from(" 138-0013 8000 ")->view(), "13800138000");
  EXPECT_EQ(CompactNumber::from("a.b")->view(), "a.b");
  EXPECT_FALSE(CompactNumber::from(std::string(33, '1')));
}

}  // namespace
}  // namespace custos::records
