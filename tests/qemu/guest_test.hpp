// GoogleTest helpers of the guest tests: a rig call that must succeed, and a
// mark that must be reached, each failing with what the guest reported so far.
//
// Thread-safety: as QemuGuest (one test thread).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

#include "qemu_guest.hpp"

namespace custos::testing {

// Ends the test when a call of the rig fails, with the rig's message.
#define ASSERT_OK(expr)                                       \
  do {                                                        \
    const auto ok_result_ = (expr);                           \
    ASSERT_TRUE(ok_result_) << ok_result_.error().describe(); \
  } while (false)

// The guest's reports as "key=value" lines, for failure messages.
inline std::string reports_text(QemuGuest& guest) {
  std::string out;
  for (const auto& [key, value] : guest.reports()) out += key + "=" + value + "\n";
  return out;
}

// Success when the guest reaches `mark` in time; otherwise why not, and
// the reports so far. Use as ASSERT_TRUE(reached(guest, "plug-stick", 60s)).
inline ::testing::AssertionResult reached(QemuGuest& guest, std::string_view mark, std::chrono::milliseconds timeout) {
  auto waited = guest.wait_for(mark, timeout);
  if (waited) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << waited.error().describe() << "\nreports so far:\n" << reports_text(guest);
}

}  // namespace custos::testing
