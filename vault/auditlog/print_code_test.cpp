#include "custos/auditlog/print_code.hpp"

#include <gtest/gtest.h>

namespace custos::auditlog {
namespace {

TEST(PrintCode, RoundTripsAndVerifies) {
  const auto key = SigningKey::generate();
  const auto text = make_print_code(42, key);
  EXPECT_TRUE(text.starts_with("CUSTOS-PRINT/1/42/"));
  auto code = parse_print_code("QR-Code:" + text + "\n");
  ASSERT_TRUE(code) << code.error().describe();
  EXPECT_EQ(code->record, 42);
  EXPECT_TRUE(verify_print_code(*code, key.public_key()));
}

TEST(PrintCode, AnotherKeyOrRecordDoesNotVerify) {
  const auto key = SigningKey::generate();
  auto code = parse_print_code(make_print_code(7, key));
  ASSERT_TRUE(code);
  EXPECT_EQ(verify_print_code(*code, SigningKey::generate().public_key()).error().code, ErrorCode::crypto);
  code->record = 8;
  EXPECT_EQ(verify_print_code(*code, key.public_key()).error().code, ErrorCode::crypto);
}

TEST(PrintCode, MalformedCodesAreRefused) {
  const auto key = SigningKey::generate();
  const auto good = make_print_code(5, key);
  const auto signature = good.substr(good.rfind('/') + 1);
  for (const std::string& bad : {std::string(""), std::string("hello"), std::string("CUSTOS-PRINT/2/5/") + signature,
                                std::string("CUSTOS-PRINT/1/5"), std::string("CUSTOS-PRINT/1//") + signature,
                                std::string("CUSTOS-PRINT/1/0/") + signature, std::string("CUSTOS-PRINT/1/05/") + signature,
                                std::string("CUSTOS-PRINT/1/-5/") + signature, std::string("CUSTOS-PRINT/1/5/abc"),
                                std::string("CUSTOS-PRINT/1/99999999999999999999/") + signature,
                                good + std::string(200, 'A')}) {
    EXPECT_EQ(parse_print_code(bad).error().code, ErrorCode::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace custos::auditlog
