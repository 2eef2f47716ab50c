#include "custos/records/report_format.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace custos::records {
namespace {

Report sample() {
  Report report;
  report.rows = 3;
  report.findings.push_back(Finding{2, 3, "id_number", FindingCode::id_checksum, "check \"X\"\n"});
  report.suspicious.push_back(SuspiciousCase{SuspicionKind::shared_phone, "13800138000", {1, 3}});
  report.suspicious.push_back(SuspiciousCase{SuspicionKind::shared_bank_account, "6222020200000005", {2, 3}});
  return report;
}

TEST(ReportFormat, JsonShapeWithMaskedValues) {
  EXPECT_EQ(to_json(sample()),
            "{\"rows\": 3, \"findings\": [{\"row\": 2, \"field\": \"id_number\", \"code\": \"id_checksum\", "
            "\"message\": \"check \\\"X\\\"\\n\"}], \"suspicious\": [{\"kind\": \"shared_phone\", \"value\": "
            "\"138****8000\", \"rows\": [1, 3]}, {\"kind\": \"shared_bank_account\", \"value\": "
            "\"6222********0005\", \"rows\": [2, 3]}]}\n");
}

TEST(ReportFormat, FullValuesOnRequest) {
  const std::string json = to_json(sample(), RenderOptions{.full_values = true});
  EXPECT_NE(json.find("\"value\": \"13800138000\""), std::string::npos) << json;
}

TEST(ReportFormat, EmptyReport) {
  EXPECT_EQ(to_json(Report{}), "{\"rows\": 0, \"findings\": [], \"suspicious\": []}\n");
}

TEST(ReportFormat, DroppedFindingsAreCounted) {
  Report report;
  report.findings_dropped = 5;
  EXPECT_EQ(to_json(report), "{\"rows\": 0, \"findings\": [], \"findings_dropped\": 5, \"suspicious\": []}\n");
}

TEST(ReportFormat, EscapesJsonStrings) {
  std::string out;
  append_json_string(out, std::string_view("a\\b\x01\t证\xFF", 9));
  EXPECT_EQ(out, "\"a\\\\b\\u0001\\t证\\ufffd\"");
}

TEST(ReportFormat, TextLines) {
  Report report = sample();
  report.ignored_columns = {"备注"};
  std::ostringstream out;
  write_text(out, report);
  EXPECT_EQ(out.str(),
            "note: columns the insurance template does not use were ignored: 备注\n"
            "row 2 (line 3) id_number id_checksum: check \"X\"\n\n"
            "suspicious shared_phone 138****8000: rows 1, 3\n"
            "suspicious shared_bank_account 6222********0005: rows 2, 3\n"
            "3 rows checked: 1 finding, 2 suspicious cases\n");
}

}  // namespace
}  // namespace custos::records
