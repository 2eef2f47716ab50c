// The golden corpus: every file under testdata/good and testdata/bad is
// checked and its diagnostics compared, code and exact position, with the
// NAME.expected file beside it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "custos/policy/parser.hpp"

namespace custos::policy {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> expected_lines(const fs::path& toml) {
  fs::path expected = toml;
  expected.replace_extension(".expected");
  std::vector<std::string> lines;
  std::ifstream in(expected);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.starts_with('#')) continue;
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> actual_lines(const CheckReport& report) {
  std::vector<std::string> lines;
  for (const auto& d : report.diagnostics) {
    lines.push_back(std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + " " +
                    std::string(to_string(d.code)));
  }
  return lines;
}

std::vector<fs::path> corpus(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(CUSTOS_POLICY_TESTDATA) / folder)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(GoldenCorpus, GoodFilesCheckWithExactlyTheExpectedWarnings) {
  const auto files = corpus("good");
  ASSERT_GE(files.size(), 4U);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const CheckReport report = check_file(file);
    EXPECT_TRUE(report.ok) << report.format();
    EXPECT_EQ(report.exit_code(), 0);
    EXPECT_TRUE(report.policy.has_value());
    EXPECT_EQ(actual_lines(report), expected_lines(file)) << report.format();
  }
}

TEST(GoldenCorpus, BadFilesFailWithExactlyTheExpectedErrors) {
  const auto files = corpus("bad");
  ASSERT_GE(files.size(), 10U);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const CheckReport report = check_file(file);
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.exit_code(), 2);
    EXPECT_FALSE(report.policy.has_value());
    const auto expected = expected_lines(file);
    ASSERT_FALSE(expected.empty()) << "every bad file needs its .expected file";
    EXPECT_EQ(actual_lines(report), expected) << report.format();
  }
}

TEST(GoldenCorpus, PrintedDiagnosticsNameFileLineColumnAndCode) {
  const fs::path file = fs::path(CUSTOS_POLICY_TESTDATA) / "bad" / "bad_id.toml";
  const CheckReport report = check_file(file);
  ASSERT_EQ(report.diagnostics.size(), 1U);
  const std::string line = format_diagnostic(report.diagnostics[0]);
  EXPECT_EQ(line.rfind(file.string() + ":2:23: error: expected VID:PID", 0), 0U) << line;
  EXPECT_NE(line.find("found '07g1:5581'"), std::string::npos) << line;
  EXPECT_NE(line.find("; hint: "), std::string::npos) << line;
  EXPECT_TRUE(line.ends_with("[rule_bad_id]")) << line;
}

}  // namespace
}  // namespace custos::policy
