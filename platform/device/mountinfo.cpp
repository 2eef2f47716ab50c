#include "custos/device/mountinfo.hpp"

#include <charconv>

namespace custos::device {
namespace {

// Splits on single spaces, as the kernel writes them (show_mountinfo uses
// one space between fields and escapes any inside a field).
std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos <= line.size()) {
    const auto space = line.find(' ', pos);
    const auto stop = space == std::string_view::npos ? line.size() : space;
    fields.push_back(line.substr(pos, stop - pos));
    if (space == std::string_view::npos) break;
    pos = space + 1;
  }
  return fields;
}

bool parse_number(std::string_view text, std::uint32_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<std::string> unescape_mount_field(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out.push_back(field[i]);
      continue;
    }
    unsigned value = 0;
    for (std::size_t k = 1; k <= 3; ++k) {
      const char c = i + k < field.size() ? field[i + k] : '\0';
      if (c < '0' || c > '7') return fail(ErrorCode::corrupt, "a backslash not followed by three octal digits");
      value = value * 8 + static_cast<unsigned>(c - '0');
    }
    if (value > 255) return fail(ErrorCode::corrupt, "an octal escape above \\377");
    out.push_back(static_cast<char>(value));
    i += 3;
  }
  return out;
}

Result<std::vector<MountEntry>> parse_mountinfo(std::string_view text) {
  std::vector<MountEntry> entries;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    ++line_number;
    const auto newline = text.find('\n', pos);
    const auto stop = newline == std::string_view::npos ? text.size() : newline;
    const auto line = text.substr(pos, stop - pos);
    pos = stop + 1;
    if (line.empty()) continue;

    auto bad = [line_number](std::string_view what) {
      return fail(ErrorCode::corrupt, "mountinfo line " + std::to_string(line_number) + ": " + std::string(what));
    };
    const auto fields = split_fields(line);
    // Six fixed fields, the optional ones, "-", then three more.
    std::size_t dash = 6;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (fields.size() < 10 || dash + 4 != fields.size()) {
      return bad("expected 6 fields, optional fields, \"-\" and 3 fields");
    }
    MountEntry entry;
    const auto colon = fields[2].find(':');
    if (!parse_number(fields[0], entry.mount_id) || !parse_number(fields[1], entry.parent_id) ||
        colon == std::string_view::npos || !parse_number(fields[2].substr(0, colon), entry.major) ||
        !parse_number(fields[2].substr(colon + 1), entry.minor)) {
      return bad("the mount ids or major:minor are not numbers");
    }
    auto root = unescape_mount_field(fields[3]);
    auto mount_point = unescape_mount_field(fields[4]);
    auto source = unescape_mount_field(fields[dash + 2]);
    if (!root || !mount_point || !source) return bad("bad escape in a path or the source");
    entry.root = std::move(*root);
    entry.mount_point = std::move(*mount_point);
    entry.options = fields[5];
    for (std::size_t i = 6; i < dash; ++i) entry.optional_fields.emplace_back(fields[i]);
    entry.fs_type = fields[dash + 1];
    entry.source = std::move(*source);
    entry.super_options = fields[dash + 3];
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace custos::device
