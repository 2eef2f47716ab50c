// Internal: the shared state of one policy parse — the file's name and text,
// the diagnostics found so far — and typed readers over toml++ nodes that
// report a wrong type or value at the node's exact position.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/policy/diagnostic.hpp"
#include "custos/policy/model.hpp"
#include "custos/toml/toml.hpp"

namespace custos::policy::detail {

struct ReadContext {
  std::string_view file;        // as given, for diagnostics
  std::string_view text;        // the whole file, for positions inside strings
  std::string rule_id_prefix;   // the file's base name, for derived rule ids
  std::vector<Diagnostic> diagnostics;
  std::vector<std::size_t> line_offsets;  // byte offset of each line's start; [0] is line 1

  ReadContext(std::string_view file_name, std::string_view file_text);
  std::size_t line_offset(std::uint32_t line) const noexcept;
  void report(DiagCode code, SourcePos pos, std::string message, std::string hint = {});
};

SourcePos position_of(const toml::source_region& region) noexcept;
std::string_view type_name(const toml::node& node) noexcept;

std::optional<bool> read_bool(const toml::node& node, ReadContext& context);
std::optional<std::int32_t> read_int(const toml::node& node, std::int64_t min, std::int64_t max,
                                     ReadContext& context);
std::optional<DeviceTarget> read_target(const toml::node& node, ReadContext& context);
std::optional<PrintMode> read_print_mode(const toml::node& node, ReadContext& context);

void report_unknown_key(const toml::key& key, std::string_view where, std::string_view known, ReadContext& context);

// Reads the keys of [defaults] or of one department into `settings`, which
// holds the inherited values on entry. When `devices` is non-null the
// table may hold device rules, and their node is returned through it.
void read_settings(const toml::table& table, DepartmentSettings& settings, const toml::node** devices,
                   ReadContext& context);

// Parses the `devices` value of a department (array of rule strings or one
// multi-line string), deriving ids and checking labels are unique.
std::vector<DeviceRule> read_device_rules(const toml::node& node, ReadContext& context);

}  // namespace custos::policy::detail
