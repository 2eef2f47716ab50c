// Reading a policy file: TOML text in, a checked Policy and diagnostics out.
// This is what `custos policy check FILE` runs, offline.
//
// No exception leaves these functions: TOML syntax errors, unreadable files
// and even internal failures become diagnostics.
//
// Thread-safety: pure functions; may run concurrently.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"
#include "custos/policy/diagnostic.hpp"
#include "custos/policy/model.hpp"

namespace custos::policy {

struct CheckReport {
  std::vector<Diagnostic> diagnostics;  // sorted by position
  bool ok = false;                      // no errors (warnings allowed)
  std::optional<Policy> policy;         // present exactly when ok

  // The exit code of `custos policy check`: 2 with errors, 0 otherwise.
  int exit_code() const noexcept { return ok ? 0 : 2; }
  // Every diagnostic formatted, one per line (each line ends in '\n').
  std::string format() const;
};

// Parses policy text. `file_name` is used in diagnostics and in derived rule
// ids ("site.toml:42"); pass the path the user gave.
CheckReport parse_policy(std::string_view text, std::string_view file_name);

// Reads and parses a policy file; an unreadable file is a file_unreadable error.
CheckReport check_file(const std::filesystem::path& path);

// The first error of a report as an Error (invalid_argument), for callers
// that want a Result.
Result<Policy> to_result(CheckReport report);

}  // namespace custos::policy
