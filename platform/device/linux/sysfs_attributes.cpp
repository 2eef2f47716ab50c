#include "linux/sysfs_attributes.hpp"

#include <charconv>

namespace custos::device::sysfs {

Result<std::string> read_attribute(const FileOps& files, const std::filesystem::path& path) {
  auto text = files.read_text(path, 64 * 1024);
  if (!text) return text;
  while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) text->pop_back();
  return text;
}

Result<std::optional<std::string>> read_optional(const FileOps& files, const std::filesystem::path& path) {
  auto text = read_attribute(files, path);
  if (text) return std::optional<std::string>(std::move(*text));
  if (text.error().code == ErrorCode::not_found) return std::optional<std::string>();
  return fail(std::move(text).error());
}

Result<std::uint32_t> read_number(const FileOps& files, const std::filesystem::path& path, int base,
                                  std::uint32_t max) {
  auto text = read_attribute(files, path);
  if (!text) return fail(std::move(text).error());
  std::uint32_t value = 0;
  const char* end = text->data() + text->size();
  const auto parsed = std::from_chars(text->data(), end, value, base);
  if (text->empty() || parsed.ec != std::errc() || parsed.ptr != end || value > max) {
    return fail(ErrorCode::corrupt, path.string() + " holds \"" + *text + "\", not a " +
                                        (base == 16 ? "hex" : "decimal") + " number up to " + std::to_string(max));
  }
  return value;
}

Result<std::pair<std::uint32_t, std::uint32_t>> read_dev_numbers(const FileOps& files,
                                                                 const std::filesystem::path& path) {
  auto text = read_attribute(files, path);
  if (!text) return fail(std::move(text).error());
  const std::string_view view = *text;
  const auto colon = view.find(':');
  std::uint32_t major = 0, minor = 0;
  const auto first = std::from_chars(view.data(), view.data() + (colon == std::string_view::npos ? 0 : colon), major);
  const auto second = std::from_chars(view.data() + colon + 1, view.data() + view.size(), minor);
  if (colon == 0 || colon == std::string_view::npos || first.ec != std::errc() ||
      first.ptr != view.data() + colon || second.ec != std::errc() || second.ptr != view.data() + view.size()) {
    return fail(ErrorCode::corrupt, path.string() + " holds \"" + *text + "\", not major:minor");
  }
  return std::pair(major, minor);
}

Result<bool> read_flag(const FileOps& files, const std::filesystem::path& path) {
  auto text = read_attribute(files, path);
  if (!text) return fail(std::move(text).error());
  if (*text == "1") return true;
  if (*text == "0") return false;
  return fail(ErrorCode::corrupt, path.string() + " holds \"" + *text + "\", expected 0 or 1");
}

Result<std::filesystem::path> resolve_link(const FileOps& files, const std::filesystem::path& root,
                                           const std::filesystem::path& link) {
  auto target = files.read_link(link);
  if (!target) return fail(std::move(target).error());
  // sysfs links are relative ("../../../devices/...") and every component
  // of their targets is a real folder, so lexical resolution is exact.
  const std::filesystem::path to(*target);
  auto resolved = (to.is_absolute() ? to : link.parent_path() / to).lexically_normal();
  const auto inside = resolved.lexically_relative(root.lexically_normal());
  if (inside.empty() || *inside.begin() == "..") {
    return fail(ErrorCode::corrupt, "the link " + link.string() + " leads out of " + root.string());
  }
  return resolved;
}

std::string devpath(const std::filesystem::path& root, const std::filesystem::path& path) {
  return "/" + path.lexically_relative(root.lexically_normal()).generic_string();
}

}  // namespace custos::device::sysfs

namespace custos::device::sysfs {
std::filesystem::path clean_root(const std::filesystem::path& root) {
  auto clean = root.lexically_normal();
  if (!clean.has_filename() && clean.has_parent_path() && clean != clean.root_path()) clean = clean.parent_path();
  return clean;
}
}  // namespace custos::device::sysfs
