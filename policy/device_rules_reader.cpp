// Turns a department's `devices` value into rules. Two spellings are accepted
// because both read well: an array with one rule per string, or one
// multi-line string with one rule per line (blank lines and # comments
// skipped). Either way each rule keeps its exact file position.
#include <map>

#include "rule_lexer.hpp"
#include "rule_parser.hpp"
#include "toml_reader.hpp"

namespace custos::policy::detail {
namespace {

void parse_one(std::string_view text, std::size_t base, const StringMap& map, ReadContext& context,
               std::vector<DeviceRule>& rules) {
  auto rule = parse_rule(text, RuleContext{context.file, &map, base});
  if (!rule) {
    context.diagnostics.push_back(std::move(rule).error());
    return;
  }
  rules.push_back(std::move(*rule));
}

StringMap from_node(const toml::node& node, std::string_view value, const ReadContext& context) {
  const SourcePos begin = position_of(node.source());
  return StringMap::from_toml(context.text, context.line_offset(begin.line), begin, value);
}

void assign_ids(std::vector<DeviceRule>& rules, ReadContext& context) {
  // Derived ids name the file and line ("site.toml:42"): stable while the
  // file is unchanged, and they tell the IT engineer where to look. Two
  // rules on one line get the column as well.
  std::map<std::string, const DeviceRule*> seen;
  for (auto& rule : rules) {
    if (!rule.labelled) {
      rule.id = context.rule_id_prefix + ":" + std::to_string(rule.pos.line);
      if (seen.contains(rule.id)) rule.id += ":" + std::to_string(rule.pos.column);
    }
    const auto [it, inserted] = seen.emplace(rule.id, &rule);
    if (!inserted) {
      context.report(DiagCode::rule_duplicate_label, rule.pos,
                     "expected a rule id used once in the department, found '" + rule.id +
                         "' again (first at line " + std::to_string(it->second->pos.line) + ")",
                     "give each rule its own label");
    }
  }
}

}  // namespace

std::vector<DeviceRule> read_device_rules(const toml::node& node, ReadContext& context) {
  std::vector<DeviceRule> rules;
  if (const auto* text = node.as_string()) {
    const std::string_view value = text->get();
    const StringMap map = from_node(node, value, context);
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t end = value.find('\n', start);
      if (end == std::string_view::npos) end = value.size();
      const std::string_view line = value.substr(start, end - start);
      if (rule_end(line) > 0) parse_one(line, start, map, context, rules);
      start = end + 1;
    }
  } else if (const auto* array = node.as_array()) {
    for (const auto& element : *array) {
      const auto* s = element.as_string();
      if (s == nullptr) {
        context.report(DiagCode::wrong_type, position_of(element.source()),
                       "expected a device rule string, found " + std::string(type_name(element)),
                       "quote the rule: 'block id 0781:*'");
        continue;
      }
      const StringMap map = from_node(element, s->get(), context);
      parse_one(s->get(), 0, map, context, rules);
    }
  } else {
    context.report(DiagCode::wrong_type, position_of(node.source()),
                   "expected an array of rule strings or a multi-line string, found " + std::string(type_name(node)),
                   "devices = [ 'allow with-interface 03:*:*' ]");
  }
  assign_ids(rules, context);
  return rules;
}

}  // namespace custos::policy::detail
