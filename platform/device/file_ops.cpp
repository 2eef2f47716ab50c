#include "custos/device/file_ops.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace custos::device {
namespace {

// Closes a descriptor on every path out of a function (the close of a
// written descriptor is checked separately, in write_text).
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

}  // namespace

ErrorCode errno_to_code(int err) noexcept {
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      return ErrorCode::not_found;
    case EACCES:
    case EPERM:
      return ErrorCode::permission_denied;
    case EINVAL:
      return ErrorCode::invalid_argument;
    case EBUSY:
    case EAGAIN:
      return ErrorCode::unavailable;
    case ETIMEDOUT:
      return ErrorCode::timeout;
    default:
      return ErrorCode::io;
  }
}

Error os_error(std::string_view what, const std::filesystem::path& path, int err) {
  std::string message = "cannot ";
  message += what;
  message += ' ';
  message += path.string();
  message += ": ";
  message += std::strerror(err);
  return Error{errno_to_code(err), std::move(message)};
}

Result<std::string> PosixFileOps::read_text(const std::filesystem::path& path, std::size_t max_bytes) const {
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return fail(os_error("open", path, errno));
  // sysfs and /proc files report size 0 or 4096 whatever they hold: read to
  // the end instead of trusting fstat.
  std::string text;
  char buffer[4096];
  for (;;) {
    const auto got = ::read(file.fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(os_error("read", path, errno));
    if (got == 0) return text;
    if (text.size() + static_cast<std::size_t>(got) > max_bytes) {
      return fail(ErrorCode::too_large, path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
}

Result<void> PosixFileOps::write_text(const std::filesystem::path& path, std::string_view text) {
  Fd file{::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) return fail(os_error("open for writing", path, errno));
  ssize_t written;
  do {
    written = ::write(file.fd, text.data(), text.size());
  } while (written < 0 && errno == EINTR);
  if (written < 0) return fail(os_error("write", path, errno));
  if (static_cast<std::size_t>(written) != text.size()) {
    return fail(ErrorCode::io, "cannot write " + path.string() + ": the kernel took " + std::to_string(written) +
                                   " of " + std::to_string(text.size()) + " bytes");
  }
  // A store that fails late (some file systems report it at close) must not
  // pass for done.
  if (::close(file.release()) != 0) return fail(os_error("close", path, errno));
  return ok();
}

Result<std::vector<std::string>> PosixFileOps::list_dir(const std::filesystem::path& path) const {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return fail(os_error("list", path, errno));
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) return fail(os_error("list", path, err));
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> PosixFileOps::read_link(const std::filesystem::path& path) const {
  std::string target(256, '\0');
  for (;;) {
    const auto got = ::readlink(path.c_str(), target.data(), target.size());
    if (got < 0) return fail(os_error("read the link", path, errno));
    if (static_cast<std::size_t>(got) < target.size()) {
      target.resize(static_cast<std::size_t>(got));
      return target;
    }
    if (target.size() >= 65536) return fail(ErrorCode::too_large, "the link " + path.string() + " is too long");
    target.resize(target.size() * 2);
  }
}

Result<void> PosixFileOps::ioctl_int(const std::filesystem::path& path, unsigned long request, int& value) {
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) return fail(os_error("open", path, errno));
  if (::ioctl(file.fd, request, &value) != 0) return fail(os_error("control", path, errno));
  return ok();
}

void FaultyFileOps::fail(const std::filesystem::path& path, int err, Op op) {
  faults_[path.lexically_normal()] = Fault{err, op};
}

void FaultyFileOps::heal(const std::filesystem::path& path) { faults_.erase(path.lexically_normal()); }

std::optional<Error> FaultyFileOps::fault(const std::filesystem::path& path, Op op) const {
  const auto found = faults_.find(path.lexically_normal());
  if (found == faults_.end() || (found->second.op != Op::any && found->second.op != op)) return std::nullopt;
  return os_error("use (injected fault)", path, found->second.err);
}

Result<std::string> FaultyFileOps::read_text(const std::filesystem::path& path, std::size_t max_bytes) const {
  if (auto error = fault(path, Op::read)) return custos::fail(std::move(*error));
  return inner_.read_text(path, max_bytes);
}

Result<void> FaultyFileOps::write_text(const std::filesystem::path& path, std::string_view text) {
  if (auto error = fault(path, Op::write)) return custos::fail(std::move(*error));
  ++writes_passed_;
  return inner_.write_text(path, text);
}

Result<std::vector<std::string>> FaultyFileOps::list_dir(const std::filesystem::path& path) const {
  if (auto error = fault(path, Op::list)) return custos::fail(std::move(*error));
  return inner_.list_dir(path);
}

Result<std::string> FaultyFileOps::read_link(const std::filesystem::path& path) const {
  if (auto error = fault(path, Op::link)) return custos::fail(std::move(*error));
  return inner_.read_link(path);
}

Result<void> FaultyFileOps::ioctl_int(const std::filesystem::path& path, unsigned long request, int& value) {
  if (auto error = fault(path, Op::ioctl)) return custos::fail(std::move(*error));
  return inner_.ioctl_int(path, request, value);
}

}  // namespace custos::device
