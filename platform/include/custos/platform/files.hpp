// Small, careful file operations for keys, tokens and configuration:
// atomic replacement (write a temporary, fsync, rename, fsync the folder) so
// a crash leaves either the old or the new file, never half of one, and
// explicit permission modes so secrets are 0600 from their first byte.
//
// Thread-safety: pure functions over the file system.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <sys/types.h>

#include "custos/platform/encoding.hpp"
#include "custos/platform/secret.hpp"

namespace custos::files {

// Writes `data` to `path` atomically with permission bits `mode`.
Result<void> write_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                          mode_t mode);
inline Result<void> write_atomic(const std::filesystem::path& path, std::string_view text, mode_t mode) {
  return write_atomic(path, as_bytes(text), mode);
}

// The last step of an atomic write, for files another library writes (e.g.
// a spreadsheet writer that wants a file name): sets `mode` on the finished
// file `temp`, flushes it, renames it over `path` and flushes the folder.
// `temp` must be on the same file system as `path` (best: in its folder);
// it is removed when any step fails.
Result<void> replace_with(const std::filesystem::path& temp, const std::filesystem::path& path, mode_t mode);

// Reads a whole (small) file. Fails with not_found or io.
Result<std::string> read_text(const std::filesystem::path& path);
// Reads a secret file, refusing one that group or others may read.
Result<Secret> read_secret(const std::filesystem::path& path);

// Creates `path` (and parents) when missing, then sets `mode` on it.
Result<void> make_private_dir(const std::filesystem::path& path, mode_t mode = 0700);

}  // namespace custos::files
