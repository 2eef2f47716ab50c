// The seam between the device adapters and the operating system: the five
// file operations the sysfs, /dev and /proc code needs, behind an interface
// so tests can run the real Linux adapters over a fake sysfs tree in a
// temporary folder and make chosen operations fail.
//
// Every operation reports failure as an Error whose code follows errno
// (see `errno_to_code`), and whose message names the operation, the path and
// the system's reason. Nothing here retries a partial write: a sysfs
// attribute takes its whole value in one write(2), so a short write is an
// error, not something to finish later.
//
// Thread-safety: PosixFileOps is stateless and may be shared by threads.
// FaultyFileOps may be configured only before it is shared; its counters are
// not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::device {

// ENOENT, ENODEV, ENXIO → not_found; EACCES, EPERM → permission_denied;
// EINVAL → invalid_argument; EBUSY, EAGAIN → unavailable; ETIMEDOUT →
// timeout; anything else → io.
ErrorCode errno_to_code(int err) noexcept;
// "cannot <what> <path>: <strerror>", with the code from errno_to_code.
Error os_error(std::string_view what, const std::filesystem::path& path, int err);

class FileOps {
 public:
  virtual ~FileOps() = default;

  // The whole content of a small file (a sysfs attribute, mountinfo), at
  // most `max_bytes`; a larger file is too_large.
  virtual Result<std::string> read_text(const std::filesystem::path& path,
                                        std::size_t max_bytes = 1 << 20) const = 0;
  // Writes `text` to an existing file in one write(2) (no O_CREAT, no
  // O_TRUNC: sysfs attributes exist already). Fails when open, write or
  // close fails, and when fewer bytes than `text.size()` were taken.
  virtual Result<void> write_text(const std::filesystem::path& path, std::string_view text) = 0;
  // The entry names of a folder (not "." or ".."), sorted.
  virtual Result<std::vector<std::string>> list_dir(const std::filesystem::path& path) const = 0;
  // The target text of a symbolic link, as stored (usually relative).
  virtual Result<std::string> read_link(const std::filesystem::path& path) const = 0;
  // Opens `path` read-only (O_RDONLY | O_CLOEXEC), calls ioctl(fd, request,
  // &value) and closes it. For the block-device ioctls that take an int*
  // (BLKROSET reads `value`, BLKROGET sets it).
  virtual Result<void> ioctl_int(const std::filesystem::path& path, unsigned long request,
                                 int& value) = 0;
};

// The real thing: POSIX calls, no caching.
class PosixFileOps final : public FileOps {
 public:
  Result<std::string> read_text(const std::filesystem::path& path, std::size_t max_bytes) const override;
  Result<void> write_text(const std::filesystem::path& path, std::string_view text) override;
  Result<std::vector<std::string>> list_dir(const std::filesystem::path& path) const override;
  Result<std::string> read_link(const std::filesystem::path& path) const override;
  Result<void> ioctl_int(const std::filesystem::path& path, unsigned long request, int& value) override;
};

// For tests: forwards to another FileOps, except that operations on chosen
// paths fail with a chosen errno (EIO, EACCES, ...) as if the system had
// refused them. Counts the writes that reached the inner FileOps.
class FaultyFileOps final : public FileOps {
 public:
  enum class Op : std::uint8_t { read, write, list, link, ioctl, any };

  explicit FaultyFileOps(FileOps& inner) : inner_(inner) {}

  // From now on `op` on exactly `path` fails with `err`.
  void fail(const std::filesystem::path& path, int err, Op op = Op::any);
  void heal(const std::filesystem::path& path);  // undoes fail() for that path
  std::size_t writes_passed() const noexcept { return writes_passed_; }

  Result<std::string> read_text(const std::filesystem::path& path, std::size_t max_bytes) const override;
  Result<void> write_text(const std::filesystem::path& path, std::string_view text) override;
  Result<std::vector<std::string>> list_dir(const std::filesystem::path& path) const override;
  Result<std::string> read_link(const std::filesystem::path& path) const override;
  Result<void> ioctl_int(const std::filesystem::path& path, unsigned long request, int& value) override;

 private:
  struct Fault {
    int err;
    Op op;
  };
  // The injected error for `op` on `path`, if any.
  std::optional<Error> fault(const std::filesystem::path& path, Op op) const;

  FileOps& inner_;
  std::map<std::filesystem::path, Fault> faults_;
  std::size_t writes_passed_ = 0;
};

}  // namespace custos::device
