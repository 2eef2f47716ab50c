// Test helper: parses policy text that the test expects to be valid, failing
// the test (not crashing) when it is not.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "custos/policy/parser.hpp"

namespace custos::policy::testing {

inline Policy must_parse(std::string_view text, std::string_view file = "test.toml") {
  CheckReport report = parse_policy(text, file);
  EXPECT_TRUE(report.ok) << report.format();
  if (!report.policy) {
    CheckReport fallback = parse_policy("[departments.empty]\n", "fallback.toml");
    return std::move(*fallback.policy);
  }
  return std::move(*report.policy);
}

}  // namespace custos::policy::testing
