#include "custos/records/checker.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

namespace custos::records {
namespace {

constexpr std::string_view kInsuranceHeader =
    "policy_no,role,name,gender,birth_date,id_type,id_number,phone,address,bank_account,agent_code\n";

CheckOptions fixed_day() {
  CheckOptions options;
  options.today = *Date::from_ymd(2025, 6, 1);
  return options;
}

Result<Report> run(std::string_view csv, TemplateKind kind = TemplateKind::insurance,
                   CheckOptions options = fixed_day()) {
  auto source = source_from_memory(csv);
  return check(*source, kind, options);
}

using Seen = std::tuple<std::uint64_t, std::string, FindingCode>;

std::vector<Seen> seen(const Report& report) {
  std::vector<Seen> out;
  for (const auto& f : report.findings) out.emplace_back(f.row, f.field, f.code);
  return out;
}

TEST(Checker, ProducesEachFindingCode) {
  const std::string csv = std::string(kInsuranceHeader) +
      // 1 clean policyholder
      "P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,4111111111111111,A01\n"
      // 2 policyholder without address and phone
      "P2,policyholder,李四,女,1949-12-31,,11010519491231002X,,,,A01\n"
      // 3-6 broken ID numbers: only the ID finding, no mismatch derived from them
      "P3,insured,王五,女,1991-01-01,,44010119900101123,,,,A01\n"
      "P4,insured,王五,女,1991-01-01,,990101199001011233,,,,A01\n"
      "P5,insured,王五,女,1991-01-01,,440101199002301230,,,,A01\n"
      "P6,insured,王五,女,1991-01-01,,440101199001011234,,,,A01\n"
      // 7 gender disagrees with the ID (female number, 男)
      "P7,insured,赵六,男,1949-12-31,,11010519491231002X,,,,A01\n"
      // 8 birth date disagrees with the ID
      "P8,insured,钱七,M,1980-01-02,,330102198001010018,,,,A01\n"
      // 9 bad phone
      "P9,policyholder,孙八,男,2000-02-29,,440101200002290014,12345,深圳市,,A01\n"
      // 10 bad card
      "P10,policyholder,周九,m,1985-05-12,,510102198505129876,13700137000,成都市,4111111111111112,A01\n"
      // 11 insured minor without ID: fine
      "P11,insured,小明,男,2010-06-15,,,,,,A01\n"
      // 12 insured adult without ID
      "P12,insured,吴十,男,1990-01-01,,,,,,A01\n"
      // 13 unreadable role, gender and birth date; lower-case x accepted
      "P13,boss,郑十一,X,1990/01/01,,11010519491231002x,13600136000,北京市,,A01\n"
      // 14 another document type: GB 11643 does not apply
      "P14,policyholder,Smith,M,1970-05-05,passport,E12345678,13500135000,上海市,,A01\n";
  const auto report = run(csv);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->rows, 14U);
  const std::vector<Seen> expected = {
      {2, "address", FindingCode::missing_field},
      {2, "phone", FindingCode::missing_field},
      {3, "id_number", FindingCode::id_format},
      {4, "id_number", FindingCode::id_region},
      {5, "id_number", FindingCode::id_birth_date},
      {6, "id_number", FindingCode::id_checksum},
      {7, "gender", FindingCode::gender_mismatch},
      {8, "birth_date", FindingCode::birth_date_mismatch},
      {9, "phone", FindingCode::phone_format},
      {10, "bank_account", FindingCode::bank_card_luhn},
      {12, "id_number", FindingCode::missing_field},
      {13, "role", FindingCode::missing_field},
      {13, "gender", FindingCode::missing_field},
      {13, "birth_date", FindingCode::missing_field},
  };
  EXPECT_EQ(seen(*report), expected);
  EXPECT_EQ(exit_code(report), 1);
}

TEST(Checker, MessagesNeverCarryFullNumbers) {
  const std::string csv = std::string(kInsuranceHeader) +
                          "P6,policyholder,王五,男,1990-01-01,,440101199001011234,13800138001,广州,4111111111111112,A\n";
  const auto report = run(csv);
  ASSERT_TRUE(report);
  ASSERT_EQ(report->findings.size(), 2U);
  for (const auto& f : report->findings) {
    EXPECT_EQ(f.message.find("4401011990010112"), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find("411111111111"), std::string::npos) << f.message;
  }
  EXPECT_NE(report->findings[0].message.find("gives 3"), std::string::npos) << report->findings[0].message;
}

TEST(Checker, SuspiciousAcrossDifferentCustomersOnly) {
  const std::string csv = std::string(kInsuranceHeader) +
      "P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州,,A\n"
      "P2,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州,,A\n"  // same person
      "P3,policyholder,李四,女,1949-12-31,,11010519491231002X,13900139000,北京,6222020200000005,A\n"
      "P4,policyholder,孙八,男,2000-02-29,,440101200002290014,139-0013-9000,深圳,,A\n"
      "P5,policyholder,钱七,男,1980-01-01,,330102198001010018,13500135000,杭州,6222 0202 0000 0005,A\n"
      // Li Si again, legacy number and 18-digit: still one customer.
      "P6,policyholder,李四,女,1949-12-31,,110105491231002,13700137000,北京,,A\n"
      "P7,policyholder,李四,女,1949-12-31,,11010519491231002x,13700137000,北京,,A\n";
  const auto report = run(csv);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->findings.empty()) << report->findings[0].message;
  ASSERT_EQ(report->suspicious.size(), 2U);
  EXPECT_EQ(report->suspicious[0].kind, SuspicionKind::shared_phone);
  EXPECT_EQ(report->suspicious[0].value, "13900139000");
  EXPECT_EQ(report->suspicious[0].rows, (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(report->suspicious[1].kind, SuspicionKind::shared_bank_account);
  EXPECT_EQ(report->suspicious[1].rows, (std::vector<std::uint64_t>{3, 5}));
  EXPECT_EQ(exit_code(report), 1);
}

TEST(Checker, ChineseHeadingsBomCrLfAndQuotedFields) {
  const std::string csv =
      "\xEF\xBB\xBF保单号,角色,投保人姓名,性别,出生日期,证件号码,联系电话,地址,业务员代码,备注\r\n"
      "P1,投保人,张三,男,1990-01-01,440101199001011233,13800138000,\"广州市天河区, 体育西路\r\n1号\",A01,\"他说\"\"好\"\"\"\r\n"
      ",,,,,,,,,\r\n"
      "P2,被保险人,小明,男,2010-06-15,,,,A01,\r\n";
  const auto report = run(csv);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->rows, 2U);
  EXPECT_TRUE(report->findings.empty());
  EXPECT_EQ(report->ignored_columns, (std::vector<std::string>{"备注"}));
  EXPECT_EQ(exit_code(report), 0);
}

TEST(Checker, ShortRowsReadAsEmptyCells) {
  const std::string csv = std::string(kInsuranceHeader) + "P1,policyholder,张三\n";
  const auto report = run(csv);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->findings.size(), 5U);  // gender, birth_date, id_number, address, phone
  EXPECT_EQ(report->findings[0].line, 2U);
}

TEST(Checker, PropertyOwnerTemplate) {
  const std::string csv =
      "业主姓名,证件号码,联系电话,房屋地址,房号,交付日期\n"
      "张三,440101199001011233,13800138000,幸福里,1-101,2025-01-01\n"
      "李四,11010519491231002X,13800138000,幸福里,1-102,2025-01-01\n"
      "王五,440101199001011235,1380013800,,1-103,2025-01-01\n";
  const auto report = run(csv, TemplateKind::property_owner);
  ASSERT_TRUE(report) << report.error().message;
  const std::vector<Seen> expected = {
      {3, "address", FindingCode::missing_field},
      {3, "id_number", FindingCode::id_checksum},
      {3, "phone", FindingCode::phone_format},
  };
  EXPECT_EQ(seen(*report), expected);
  ASSERT_EQ(report->suspicious.size(), 1U);
  EXPECT_EQ(report->suspicious[0].rows, (std::vector<std::uint64_t>{1, 2}));
}

TEST(Checker, CourierTemplate) {
  const std::string csv =
      "运单号,寄件时间,寄件人姓名,寄件人地址,寄件人证件号码,寄件人电话,收件人姓名,收件人地址,收件人电话,快递公司,物品\n"
      "SF1,2025-05-30 10:00,张三,广州,440101199001011233,13800138000,李四,北京,13900139000,顺丰,文件\n"
      "SF2,2025-05-30 11:00,王五,广州,,13800138000,李四,北京,010-1234,顺丰,文件\n";
  const auto report = run(csv, TemplateKind::courier);
  ASSERT_TRUE(report) << report.error().message;
  const std::vector<Seen> expected = {
      {2, "sender_id_number", FindingCode::missing_field},
      {2, "receiver_phone", FindingCode::phone_format},
  };
  EXPECT_EQ(seen(*report), expected);
  EXPECT_TRUE(report->suspicious.empty()) << "a sender without ID is not a known second customer";
}

TEST(Checker, BadInputIsAnErrorNotAFinding) {
  const auto empty = run("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(exit_code(empty), 2);

  const auto missing = run("policy_no,name\nP1,x\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("needs these columns"), std::string::npos);
  EXPECT_EQ(exit_code(missing), 2);

  const auto malformed = run(std::string(kInsuranceHeader) + "P1,\"policyholder\n");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().message.rfind("line 2, column 4: unterminated", 0), 0U) << malformed.error().message;
  EXPECT_EQ(exit_code(malformed), 2);
}

TEST(Checker, FileInputAndMissingFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("records_checker_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "ok.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << kInsuranceHeader
        << "P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,4111111111111111,A01\n";
  }
  const auto report = check_file(path, TemplateKind::insurance, fixed_day());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->rows, 1U);
  EXPECT_EQ(exit_code(report), 0);

  const auto missing = check_file(dir / "absent.csv", TemplateKind::insurance, fixed_day());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_EQ(exit_code(missing), 2);

  const auto folder = check_file(dir, TemplateKind::insurance, fixed_day());
  ASSERT_FALSE(folder);
  EXPECT_EQ(exit_code(folder), 2);

  {
    std::ofstream out(dir / "bad.csv", std::ios::binary);
    out << "a,\"b\n";
  }
  const auto bad = check_file(dir / "bad.csv", TemplateKind::insurance, fixed_day());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad.csv: line 1, column 3"), std::string::npos) << bad.error().message;
  std::filesystem::remove_all(dir);
}

TEST(Checker, StreamInput) {
  std::istringstream in(std::string(kInsuranceHeader) +
                        "P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,,A01\n");
  const auto report = check(in, TemplateKind::insurance, fixed_day());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->rows, 1U);
}

TEST(Checker, CapsStoredFindings) {
  std::string csv(kInsuranceHeader);
  for (int i = 0; i < 10; ++i) csv += "P,policyholder,,,,,,,,,A\n";  // 6 findings each
  CheckOptions options = fixed_day();
  options.max_findings = 7;
  const auto report = run(csv, TemplateKind::insurance, options);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->findings.size(), 7U);
  EXPECT_EQ(report->findings_dropped, 53U);
  EXPECT_EQ(exit_code(report), 1);
}

}  // namespace
}  // namespace custos::records
