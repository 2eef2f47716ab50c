#include "toml_reader.hpp"

namespace custos::policy::detail {

ReadContext::ReadContext(std::string_view file_name, std::string_view file_text) : file(file_name), text(file_text) {
  line_offsets.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_offsets.push_back(i + 1);
  }
}

std::size_t ReadContext::line_offset(std::uint32_t line) const noexcept {
  if (line == 0 || line > line_offsets.size()) return 0;
  return line_offsets[line - 1];
}

void ReadContext::report(DiagCode code, SourcePos pos, std::string message, std::string hint) {
  diagnostics.push_back(Diagnostic{code, std::string(file), pos, std::move(message), std::move(hint)});
}

SourcePos position_of(const toml::source_region& region) noexcept {
  return SourcePos{region.begin.line, region.begin.column};
}

std::string_view type_name(const toml::node& node) noexcept {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::optional<bool> read_bool(const toml::node& node, ReadContext& context) {
  if (const auto* b = node.as_boolean()) return b->get();
  context.report(DiagCode::wrong_type, position_of(node.source()),
                 "expected true or false, found " + std::string(type_name(node)),
                 "write the value without quotes: true");
  return std::nullopt;
}

std::optional<std::int32_t> read_int(const toml::node& node, std::int64_t min, std::int64_t max,
                                     ReadContext& context) {
  const auto* i = node.as_integer();
  if (i == nullptr) {
    context.report(DiagCode::wrong_type, position_of(node.source()),
                   "expected a whole number of days, found " + std::string(type_name(node)),
                   "write the number without quotes: 30");
    return std::nullopt;
  }
  const std::int64_t v = i->get();
  if (v < min || v > max) {
    context.report(DiagCode::out_of_range, position_of(node.source()),
                   "expected a number from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
                       std::to_string(v),
                   "grants are counted in days");
    return std::nullopt;
  }
  return static_cast<std::int32_t>(v);
}

namespace {

std::optional<std::string_view> read_string(const toml::node& node, std::string_view choices, ReadContext& context) {
  if (const auto* s = node.as_string()) return std::string_view(s->get());
  context.report(DiagCode::wrong_type, position_of(node.source()),
                 "expected a string (" + std::string(choices) + "), found " + std::string(type_name(node)),
                 "quote the value: \"block\"");
  return std::nullopt;
}

}  // namespace

std::optional<DeviceTarget> read_target(const toml::node& node, ReadContext& context) {
  const auto text = read_string(node, "block, read_only or allow", context);
  if (!text) return std::nullopt;
  const DeviceTarget target = device_target_from_string(*text);
  if (target == DeviceTarget::unknown) {
    context.report(DiagCode::bad_value, position_of(node.source()),
                   "expected \"block\", \"read_only\" or \"allow\", found \"" + std::string(*text) + "\"",
                   "these are the only three device targets");
    return std::nullopt;
  }
  return target;
}

std::optional<PrintMode> read_print_mode(const toml::node& node, ReadContext& context) {
  const auto text = read_string(node, "forbid or by_approval", context);
  if (!text) return std::nullopt;
  const PrintMode mode = print_mode_from_string(*text);
  if (mode == PrintMode::unknown) {
    context.report(DiagCode::bad_value, position_of(node.source()),
                   "expected \"forbid\" or \"by_approval\", found \"" + std::string(*text) + "\"",
                   "printing is never free: it is forbidden or needs the department manager's approval");
    return std::nullopt;
  }
  return mode;
}

void report_unknown_key(const toml::key& key, std::string_view where, std::string_view known, ReadContext& context) {
  context.report(DiagCode::unknown_key, position_of(key.source()),
                 "expected one of " + std::string(known) + " in " + std::string(where) + ", found unknown key '" +
                     std::string(key.str()) + "'",
                 "the key is ignored; check its spelling against docs/policy.md");
}

}  // namespace custos::policy::detail
