#include "rule_parser.hpp"

#include <array>
#include <optional>
#include <utility>

#include "rule_lexer.hpp"

namespace custos::policy::detail {
namespace {

struct AttributeName {
  std::string_view word;
  Attribute attribute;
};
constexpr std::array<AttributeName, 7> kAttributes = {{
    {"id", Attribute::id},
    {"serial", Attribute::serial},
    {"name", Attribute::name},
    {"hash", Attribute::hash},
    {"via-port", Attribute::via_port},
    {"with-interface", Attribute::with_interface},
    {"with-connect-type", Attribute::with_connect_type},
}};

std::optional<Attribute> attribute_from_word(std::string_view word) {
  for (const auto& a : kAttributes) {
    if (a.word == word) return a.attribute;
  }
  return std::nullopt;
}

std::optional<SetOp> set_op_from_word(std::string_view word) {
  if (word == "one-of") return SetOp::one_of;
  if (word == "all-of") return SetOp::all_of;
  if (word == "none-of") return SetOp::none_of;
  if (word == "equals") return SetOp::equals;
  return std::nullopt;
}

// Hex field of exactly `digits` digits, or `*` when wildcards are allowed.
std::optional<unsigned> hex_field(std::string_view text, std::size_t digits) {
  if (text.size() != digits) return std::nullopt;
  unsigned value = 0;
  for (const char c : text) {
    unsigned v = 0;
    if (c >= '0' && c <= '9') v = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') v = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v = static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
    value = value * 16 + v;
  }
  return value;
}

std::optional<IdPattern> parse_id(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto vid = text.substr(0, colon);
  const auto pid = text.substr(colon + 1);
  IdPattern p;
  if (vid == "*") {
    p.any_vendor = true;
  } else if (auto v = hex_field(vid, 4)) {
    p.vendor = static_cast<std::uint16_t>(*v);
  } else {
    return std::nullopt;
  }
  if (pid == "*") {
    p.any_product = true;
  } else if (auto v = hex_field(pid, 4)) {
    p.product = static_cast<std::uint16_t>(*v);
  } else {
    return std::nullopt;
  }
  return p;
}

std::optional<InterfacePattern> parse_interface(std::string_view text) {
  std::array<std::string_view, 3> parts;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto colon = text.find(':');
    if (i < 2) {
      if (colon == std::string_view::npos) return std::nullopt;
      parts[i] = text.substr(0, colon);
      text.remove_prefix(colon + 1);
    } else {
      if (colon != std::string_view::npos) return std::nullopt;
      parts[i] = text;
    }
  }
  InterfacePattern p;
  std::array<bool*, 3> any = {&p.any_class, &p.any_subclass, &p.any_protocol};
  std::array<std::uint8_t*, 3> value = {&p.value.cls, &p.value.subclass, &p.value.protocol};
  for (std::size_t i = 0; i < 3; ++i) {
    if (parts[i] == "*") {
      *any[i] = true;
    } else if (auto v = hex_field(parts[i], 2)) {
      *value[i] = static_cast<std::uint8_t>(*v);
    } else {
      return std::nullopt;
    }
  }
  return p;
}

std::string quote(const Token& t) {
  if (t.kind == TokenKind::string) return "\"" + t.text + "\"";
  return "'" + t.text + "'";
}

class Parser {
 public:
  Parser(std::string_view text, const RuleContext& context, std::vector<Token> tokens)
      : text_(text), context_(context), tokens_(std::move(tokens)) {}

  std::expected<DeviceRule, Diagnostic> run() {
    DeviceRule rule;
    rule.pos = position(tokens_.front().offset);
    const Token& head = tokens_[next_++];
    rule.target = head.kind == TokenKind::word ? device_target_from_string(head.text) : DeviceTarget::unknown;
    if (rule.target == DeviceTarget::unknown) {
      const bool attribute_first = head.kind == TokenKind::word && attribute_from_word(head.text).has_value();
      return fail(DiagCode::rule_bad_target, head.offset,
                   "expected a target (allow, block or read_only), found " + quote(head),
                   attribute_first ? "the target comes first: 'block " + head.text + " ...'"
                                   : "a rule reads 'TARGET ATTRIBUTE VALUE ...', e.g. 'block id 0781:*'");
    }
    std::array<bool, kAttributes.size()> seen{};
    bool labelled = false;
    while (next_ < tokens_.size()) {
      const Token& key = tokens_[next_++];
      if (key.kind == TokenKind::word && key.text == "label") {
        if (labelled) {
          return fail(DiagCode::rule_duplicate_attribute, key.offset,
                       "expected each attribute at most once, found a second 'label'", "keep one label");
        }
        labelled = true;
        if (next_ >= tokens_.size() || tokens_[next_].kind != TokenKind::string) {
          return expected_value_error(key, "a quoted label");
        }
        const Token& value = tokens_[next_++];
        if (!valid_label(value.text)) {
          return fail(DiagCode::rule_bad_label, value.offset,
                       "expected a label of 1-64 letters, digits or . _ : / -, found " + quote(value),
                       "labels are rule ids; 'implicit:' is reserved for the built-in rules");
        }
        rule.id = value.text;
        rule.labelled = true;
        continue;
      }
      const auto attribute = key.kind == TokenKind::word ? attribute_from_word(key.text) : std::nullopt;
      if (!attribute) {
        return fail(DiagCode::rule_unknown_attribute, key.offset,
                     "expected an attribute (id, serial, name, hash, via-port, with-interface, "
                     "with-connect-type, label), found " + quote(key),
                     key.kind == TokenKind::string ? "a quoted value needs its attribute before it"
                                                   : "see docs/policy.md for the rule language");
      }
      auto& was_seen = seen[static_cast<std::size_t>(*attribute)];
      if (was_seen) {
        return fail(DiagCode::rule_duplicate_attribute, key.offset,
                     "expected each attribute at most once, found a second '" + key.text + "'",
                     "combine the values in a set: '" + key.text + " one-of { ... }'");
      }
      was_seen = true;
      auto condition = parse_condition(key, *attribute);
      if (!condition) return std::unexpected(std::move(condition).error());
      rule.conditions.push_back(std::move(*condition));
    }
    return rule;
  }

 private:
  std::expected<Condition, Diagnostic> parse_condition(const Token& key, Attribute attribute) {
    Condition c;
    c.attribute = attribute;
    if (next_ >= tokens_.size()) return expected_value_error(key, value_description(attribute));
    const Token& first = tokens_[next_];
    std::optional<SetOp> op = first.kind == TokenKind::word ? set_op_from_word(first.text) : std::nullopt;
    if (op) {
      ++next_;
      if (next_ >= tokens_.size() || tokens_[next_].kind != TokenKind::open_brace) {
        const std::size_t at = next_ < tokens_.size() ? tokens_[next_].offset : rule_end(text_);
        return fail(DiagCode::rule_bad_set, at,
                     "expected '{' after '" + first.text + "', found " +
                         (next_ < tokens_.size() ? quote(tokens_[next_]) : std::string("end of rule")),
                     "a set reads '" + first.text + " { VALUE VALUE ... }'");
      }
    }
    if (next_ < tokens_.size() && tokens_[next_].kind == TokenKind::open_brace) {
      const std::size_t open = tokens_[next_++].offset;
      c.op = op.value_or(SetOp::one_of);
      c.braced = true;
      std::size_t count = 0;
      while (true) {
        if (next_ >= tokens_.size()) {
          return fail(DiagCode::rule_bad_set, rule_end(text_),
                       "expected '}' to close the set opened at column " +
                           std::to_string(position(open).column) + ", found end of rule",
                       "close the set with '}'");
        }
        const Token& t = tokens_[next_++];
        if (t.kind == TokenKind::close_brace) break;
        if (t.kind == TokenKind::open_brace) {
          return fail(DiagCode::rule_bad_set, t.offset, "expected a value or '}', found '{'",
                       "sets do not nest");
        }
        if (auto added = add_value(c, t); !added) return std::unexpected(std::move(added).error());
        ++count;
      }
      if (count == 0) {
        return fail(DiagCode::rule_bad_set, open, "expected at least one value in the set, found '{ }'",
                     "remove the attribute or give it a value");
      }
      return c;
    }
    const Token& value = tokens_[next_++];
    if (value.kind == TokenKind::close_brace) {
      return fail(DiagCode::rule_bad_set, value.offset, "expected a value, found '}'", "a set opens with '{'");
    }
    if (auto added = add_value(c, value); !added) return std::unexpected(std::move(added).error());
    return c;
  }

  std::expected<void, Diagnostic> add_value(Condition& c, const Token& t) {
    switch (c.attribute) {
      case Attribute::id: {
        auto p = t.kind == TokenKind::word ? parse_id(t.text) : std::nullopt;
        if (!p) {
          return fail(DiagCode::rule_bad_id, t.offset, "expected VID:PID (4 hex digits or '*' each), found " + quote(t),
                      t.kind == TokenKind::string ? "ids are written without quotes: id 0781:5581"
                                                  : "e.g. id 0781:5581 or id 0781:*");
        }
        c.ids.push_back(*p);
        return {};
      }
      case Attribute::with_interface: {
        auto p = t.kind == TokenKind::word ? parse_interface(t.text) : std::nullopt;
        if (!p) {
          return fail(DiagCode::rule_bad_interface, t.offset,
                      "expected an interface CC:SS:PP (2 hex digits or '*' each), found " + quote(t),
                      "e.g. with-interface 08:06:50 or with-interface 03:*:*");
        }
        c.interfaces.push_back(*p);
        return {};
      }
      case Attribute::with_connect_type: {
        const ConnectType type = t.kind == TokenKind::string ? connect_type_from_string(t.text) : ConnectType::unknown;
        if (type == ConnectType::unknown) {
          return fail(DiagCode::rule_bad_connect_type, t.offset,
                      "expected \"hotplug\" or \"hardwired\", found " + quote(t),
                      "the connect type is quoted: with-connect-type \"hotplug\"");
        }
        c.connect_types.push_back(type);
        return {};
      }
      case Attribute::serial:
      case Attribute::name:
      case Attribute::hash:
      case Attribute::via_port:
        if (t.kind != TokenKind::string) {
          return fail(DiagCode::rule_expected_value, t.offset,
                      "expected a quoted string, found " + quote(t),
                      "write " + std::string(to_string(c.attribute)) + " \"" + t.text + "\"");
        }
        c.strings.push_back(t.text);
        return {};
    }
    return fail(DiagCode::internal, t.offset, "expected a known attribute, found none", "please report this");
  }

  static std::string value_description(Attribute attribute) {
    switch (attribute) {
      case Attribute::id: return "VID:PID";
      case Attribute::with_interface: return "CC:SS:PP";
      case Attribute::with_connect_type: return "\"hotplug\" or \"hardwired\"";
      default: return "a quoted string";
    }
  }

  std::unexpected<Diagnostic> expected_value_error(const Token& key, const std::string& what) {
    const bool at_end = next_ >= tokens_.size();
    return fail(DiagCode::rule_expected_value, at_end ? rule_end(text_) : tokens_[next_].offset,
                "expected " + what + " after '" + key.text + "', found " +
                    (at_end ? std::string("end of rule") : quote(tokens_[next_])),
                "every attribute takes a value or a { ... } set");
  }

  std::unexpected<Diagnostic> fail(DiagCode code, std::size_t offset, std::string message, std::string hint) {
    return std::unexpected(
        Diagnostic{code, std::string(context_.file), position(offset), std::move(message), std::move(hint)});
  }

  SourcePos position(std::size_t offset) const { return context_.map->at(context_.base + offset); }

  std::string_view text_;
  const RuleContext& context_;
  std::vector<Token> tokens_;
  std::size_t next_ = 0;
};

}  // namespace

bool valid_label(std::string_view label) noexcept {
  if (label.empty() || label.size() > 64 || label.starts_with("implicit:")) return false;
  for (const char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '/' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::expected<DeviceRule, Diagnostic> parse_rule(std::string_view text, const RuleContext& context) {
  auto tokens = lex_rule(text);
  if (!tokens) {
    return std::unexpected(Diagnostic{DiagCode::rule_bad_string, std::string(context.file),
                                      context.map->at(context.base + tokens.error().offset),
                                      std::move(tokens.error().message), std::move(tokens.error().hint)});
  }
  if (tokens->empty()) {
    return std::unexpected(Diagnostic{DiagCode::rule_empty, std::string(context.file), context.map->at(context.base),
                                      "expected a device rule, found an empty string",
                                      "remove the empty entry or write a rule such as 'block id 0781:*'"});
  }
  Parser parser(text, context, std::move(*tokens));
  return parser.run();
}

}  // namespace custos::policy::detail
