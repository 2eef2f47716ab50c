// Host-side helpers of the QEMU rig: running a host program and making the
// disk and CD images that guests are given (dosfstools, mtools, genisoimage
// from installer/packages.txt).
//
// Thread-safety: free functions; safe from several threads on distinct paths.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::testing {

// The last `count` lines of `text`, for error messages.
std::string last_lines(const std::string& text, int count);

// Runs `argv` (argv[0] looked up in PATH) with stdin from /dev/null and
// returns what it printed (stdout and stderr together). Fails with `io` when
// the program cannot start or exits non-zero; the message then ends with the
// last lines it printed.
Result<std::string> run_tool(const std::vector<std::string>& argv);

// A file to place at the top of an image.
struct ImageFile {
  std::string name;     // 8.3-safe for FAT images, e.g. "HELLO.TXT"
  std::string content;  // any bytes
};

// Creates a whole-disk FAT image (no partition table, like many sticks) of
// `size_mib` MiB at `path`, holding `files`.
Result<void> make_vfat_image(const std::filesystem::path& path, std::uint32_t size_mib,
                             const std::vector<ImageFile>& files, const std::string& label = "CUSTOS");

// Creates an ISO 9660 image (Rock Ridge) at `path` with volume id `label`,
// holding `files`.
Result<void> make_iso_image(const std::filesystem::path& path, const std::string& label,
                            const std::vector<ImageFile>& files);

}  // namespace custos::testing
