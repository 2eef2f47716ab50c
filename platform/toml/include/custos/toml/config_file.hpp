// Reading a TOML configuration file (vault.toml, agent.toml) the same way
// everywhere: a missing file is fine when the file is optional, a syntax
// error names FILE:LINE:COLUMN. Header-only; links toml++.
//
// Thread-safety: pure functions.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "custos/platform/error.hpp"
#include "custos/platform/files.hpp"
#include "custos/platform/toml_prescreen.hpp"
#include "custos/toml/toml.hpp"

namespace custos::toml_config {

// "FILE:LINE:COLUMN" of a place in `file`, for error messages.
inline std::string where(const std::filesystem::path& file, const toml::source_region& at) {
  return file.string() + ":" + std::to_string(at.begin.line) + ":" + std::to_string(at.begin.column);
}

// The file's table; nullopt when it does not exist and `optional`;
// not_found when it must exist; invalid_argument on a syntax error.
inline Result<std::optional<toml::table>> read(const std::filesystem::path& file, bool optional) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (optional) return std::optional<toml::table>();
    return fail(ErrorCode::not_found, "no configuration file " + file.string());
  }
  auto text = files::read_text(file);
  if (!text) return fail(text.error());
  // toml++ 3.3 reaches undefined behaviour on some malformed input: those
  // places are refused before it reads the file.
  if (const auto hazard = toml_prescreen::find_toml_hazard(*text)) {
    return fail(ErrorCode::invalid_argument, file.string() + ":" + std::to_string(hazard->line) + ":" +
                                                 std::to_string(hazard->column) + ": " +
                                                 toml_prescreen::describe(*hazard));
  }
  try {
    return std::optional<toml::table>(toml::parse(*text, file.string()));
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::invalid_argument, where(file, e.source()) + ": " + std::string(e.description()));
  }
}

}  // namespace custos::toml_config
