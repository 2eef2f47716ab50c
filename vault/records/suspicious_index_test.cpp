#include "custos/records/suspicious_index.hpp"

#include <gtest/gtest.h>

namespace custos::records {
namespace {

TEST(SuspiciousIndex, SameCustomerOnManyRowsIsNotSuspicious) {
  SuspiciousIndex index;
  index.add(SuspicionKind::shared_phone, "13800138000", 1, 1);
  index.add(SuspicionKind::shared_phone, "13800138000", 1, 2);
  index.add(SuspicionKind::shared_phone, "138 0013 8000", 1, 5);
  EXPECT_TRUE(index.cases().empty());
}

TEST(SuspiciousIndex, DifferentCustomersSharingAPhone) {
  SuspiciousIndex index;
  index.add(SuspicionKind::shared_phone, "13800138000", 1, 1);
  index.add(SuspicionKind::shared_phone, "13900139000", 2, 2);
  index.add(SuspicionKind::shared_phone, "13800138000", 1, 3);
  index.add(SuspicionKind::shared_phone, "138-0013-8000", 3, 4);
  const auto cases = index.cases();
  ASSERT_EQ(cases.size(), 1U);
  EXPECT_EQ(cases[0].kind, SuspicionKind::shared_phone);
  EXPECT_EQ(cases[0].value, "13800138000");
  EXPECT_EQ(cases[0].rows, (std::vector<std::uint64_t>{1, 3, 4}));
}

TEST(SuspiciousIndex, PhonesAndAccountsAreSeparate) {
  SuspiciousIndex index;
  index.add(SuspicionKind::shared_phone, "6222020200000005", 1, 1);
  index.add(SuspicionKind::shared_bank_account, "6222020200000005", 2, 2);
  EXPECT_TRUE(index.cases().empty());
  index.add(SuspicionKind::shared_bank_account, "6222020200000005", 3, 3);
  const auto cases = index.cases();
  ASSERT_EQ(cases.size(), 1U);
  EXPECT_EQ(cases[0].kind, SuspicionKind::shared_bank_account);
  EXPECT_EQ(cases[0].rows, (std::vector<std::uint64_t>{2, 3}));
}

TEST(SuspiciousIndex, OrdersCasesByFirstRowAndIgnoresEmptyValues) {
  SuspiciousIndex index;
  index.add(SuspicionKind::shared_phone, "", 1, 1);
  index.add(SuspicionKind::shared_phone, "", 2, 2);
  index.add(SuspicionKind::shared_phone, "13900139000", 1, 3);
  index.add(SuspicionKind::shared_bank_account, "6222020200000005", 1, 3);
  index.add(SuspicionKind::shared_phone, "13800138000", 1, 4);
  index.add(SuspicionKind::shared_phone, "13800138000", 2, 5);
  index.add(SuspicionKind::shared_phone, "13900139000", 2, 6);
  index.add(SuspicionKind::shared_bank_account, "6222020200000005", 2, 6);
  const auto cases = index.cases();
  ASSERT_EQ(cases.size(), 3U);
  EXPECT_EQ(cases[0].value, "13900139000");
  EXPECT_EQ(cases[1].kind, SuspicionKind::shared_bank_account);
  EXPECT_EQ(cases[2].value, "13800138000");
  EXPECT_EQ(index.size(), 3U);
}

TEST(SuspiciousIndex, TextKeysStayApartFromIdKeys) {
  EXPECT_EQ(customer_key_for_text("passport", "E1234567") >> 63, 1U);
  EXPECT_NE(customer_key_for_text("passport", "E1234567"), customer_key_for_text("", "E1234567"));
}

}  // namespace
}  // namespace custos::records
