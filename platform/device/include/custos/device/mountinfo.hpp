// The kernel's table of mounts as /proc/<pid>/mountinfo shows it, one mount a
// line (proc(5)):
//
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   (1)(2)(3)   (4)   (5)      (6)        (7)  (8) (9)    (10)        (11)
//
// Paths and the source have space, tab, newline and backslash escaped as
// octal (\040, \011, \012, \134); the parser undoes that. The device is known
// by its major:minor number, which is what BlockDevices compares: the source
// field is free text (a label, "/dev/root", "none").
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::device {

struct MountEntry {
  std::uint32_t mount_id = 0;
  std::uint32_t parent_id = 0;
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
  std::string root;         // the path inside the file system that is mounted
  std::string mount_point;  // where, unescaped
  std::string options;      // per-mount options ("rw,nosuid")
  std::vector<std::string> optional_fields;  // "shared:1", "master:2", ...
  std::string fs_type;
  std::string source;       // unescaped; may be "none" or empty
  std::string super_options;
};

// Parses a whole mountinfo text. An Error (`corrupt`, "mountinfo line N: …")
// for a line with too few fields, a number that does not parse, a missing
// "-" separator or a bad escape. Empty lines are skipped.
Result<std::vector<MountEntry>> parse_mountinfo(std::string_view text);

// Undoes mountinfo's octal escapes ("\040" → " "). Fails on "\" not followed
// by three octal digits within 0..255.
Result<std::string> unescape_mount_field(std::string_view field);

}  // namespace custos::device
