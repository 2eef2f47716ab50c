// Reading sysfs attributes and links for the Linux adapters (internal).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "custos/device/file_ops.hpp"

namespace custos::device::sysfs {

// An attribute's text without its trailing newline.
Result<std::string> read_attribute(const FileOps& files, const std::filesystem::path& path);
// The same, nullopt when the attribute does not exist.
Result<std::optional<std::string>> read_optional(const FileOps& files, const std::filesystem::path& path);
// A number attribute in `base` 16 or 10, at most `max`; corrupt otherwise.
Result<std::uint32_t> read_number(const FileOps& files, const std::filesystem::path& path, int base,
                                  std::uint32_t max);
// A `dev` attribute: "major:minor".
Result<std::pair<std::uint32_t, std::uint32_t>> read_dev_numbers(const FileOps& files,
                                                                 const std::filesystem::path& path);
// "0" → false, "1" → true; anything else is corrupt.
Result<bool> read_flag(const FileOps& files, const std::filesystem::path& path);

// Where the link `link` (below `root`) points, as an absolute path below
// `root`, lexically normalised. corrupt when it leads out of `root`.
Result<std::filesystem::path> resolve_link(const FileOps& files, const std::filesystem::path& root,
                                           const std::filesystem::path& link);
// `path` relative to `root`, written as the kernel's DEVPATH: "/devices/...".
std::string devpath(const std::filesystem::path& root, const std::filesystem::path& path);

}  // namespace custos::device::sysfs

namespace custos::device::sysfs {
// `root` lexically normalised, without a trailing separator.
std::filesystem::path clean_root(const std::filesystem::path& root);
}  // namespace custos::device::sysfs
