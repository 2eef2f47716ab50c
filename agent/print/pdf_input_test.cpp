// The input check, one case per refusal.
#include "custos/print/pdf_input.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "print_test_support.hpp"

namespace custos::print {
namespace {

TEST(PdfInput, AGoodPdfIsCounted) {
  auto facts = inspect_pdf(testing::sample_pdf(4));
  ASSERT_TRUE(facts) << facts.error().describe();
  EXPECT_EQ(facts->pages, 4);
}

TEST(PdfInput, MalformedInputIsRefused) {
  const auto good = testing::sample_pdf(2);
  Bytes truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
  EXPECT_EQ(inspect_pdf(truncated).error().code, ErrorCode::invalid_argument) << "truncated";
  EXPECT_EQ(inspect_pdf(as_bytes("%PDF-1.7\ngarbage")).error().code, ErrorCode::invalid_argument) << "garbage";
  EXPECT_EQ(inspect_pdf(as_bytes("PK\x03\x04")).error().code, ErrorCode::invalid_argument) << "not a PDF";
  EXPECT_EQ(inspect_pdf({}).error().code, ErrorCode::invalid_argument) << "empty";
  Bytes damaged = good;
  // Break the cross-reference table's offsets: recovery would guess, so it is refused.
  const std::string text(damaged.begin(), damaged.end());
  const auto xref = text.rfind("startxref");
  ASSERT_NE(xref, std::string::npos);
  damaged[xref + 11] = '9';
  damaged[xref + 12] = '9';
  EXPECT_FALSE(inspect_pdf(damaged)) << "a wrong startxref";
}

TEST(PdfInput, AnEncryptedPdfIsRefused) {
  testing::PdfProbe plain(testing::sample_pdf(1));
  const auto encrypted = plain.file().string() + ".enc.pdf";
  testing::run_command("qpdf --encrypt '' owner 256 -- '" + plain.file().string() + "' '" + encrypted + "'");
  std::ifstream in(encrypted, std::ios::binary);
  const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(bytes.empty()) << "qpdf made no encrypted file";
  EXPECT_EQ(inspect_pdf(bytes).error().code, ErrorCode::permission_denied);
}

}  // namespace
}  // namespace custos::print
