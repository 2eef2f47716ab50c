#include "custos/records/masking.hpp"

#include <gtest/gtest.h>

namespace custos::records {
namespace {

TEST(Masking, IdNumberKeepsFourAndFour) {
  EXPECT_EQ(mask_id_number("440101199001011234"), "4401**********1234");
  EXPECT_EQ(mask_id_number("110105491231002"), "1101*******1002");
}

TEST(Masking, PhoneKeepsThreeAndFour) {
  EXPECT_EQ(mask_phone("13800138000"), "138****8000");
  EXPECT_EQ(mask_phone("138-0013-8000"), "138****8000");
}

TEST(Masking, CardKeepsFourAndFour) {
  EXPECT_EQ(mask_bank_card("6222020200000005"), "6222********0005");
  EXPECT_EQ(mask_bank_card("6222 0202 0000 0005"), "6222********0005");
}

TEST(Masking, ShortValuesAreFullyMasked) {
  EXPECT_EQ(mask_id_number("12345678901"), "***********");
  EXPECT_EQ(mask_phone("12345"), "*****");
  EXPECT_EQ(mask_id_number(""), "");
}

TEST(Masking, CountsCharactersNotBytes) {
  // 12 Chinese characters: keep 4 + 4, star 4, never split a character.
  EXPECT_EQ(mask_id_number("一二三四五六七八九十甲乙"), "一二三四****九十甲乙");
}

}  // namespace
}  // namespace custos::records
