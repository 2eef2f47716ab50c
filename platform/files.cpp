#include "custos/platform/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace custos::files {
namespace {

Error os_error(const std::string& what, const std::filesystem::path& path, int err) {
  return Error{err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
               what + " " + path.string() + ": " + std::strerror(err)};
}

// Closes a descriptor on every path out of a function.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Result<void> write_all(int fd, std::span<const std::uint8_t> data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const auto written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return fail(os_error("cannot write", path, errno));
    }
    data = data.subspan(static_cast<std::size_t>(written));
  }
  return ok();
}

}  // namespace

Result<void> write_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                          mode_t mode) {
  auto temp = path;
  temp += ".tmp-" + std::to_string(::getpid());
  {
    // Created with `mode` (less the umask) so it is never wider than asked.
    Fd file{::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)};
    if (file.fd < 0) return fail(os_error("cannot create", temp, errno));
    if (auto written = write_all(file.fd, data, temp); !written) {
      ::unlink(temp.c_str());
      return written;
    }
  }
  return replace_with(temp, path, mode);
}

Result<void> replace_with(const std::filesystem::path& temp, const std::filesystem::path& path, mode_t mode) {
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Removes the temporary and names the step that failed.
  auto abandon = [&temp](const char* what, const std::filesystem::path& subject) {
    const int err = errno;
    ::unlink(temp.c_str());
    return fail(os_error(what, subject, err));
  };
  {
    Fd file{::open(temp.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
    if (file.fd < 0) return abandon("cannot open", temp);
    // open() applied the umask; set the exact mode asked for.
    if (::fchmod(file.fd, mode) != 0) return abandon("cannot set mode on", temp);
    if (::fsync(file.fd) != 0) return abandon("cannot flush", temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) return abandon("cannot replace", path);
  Fd dir{::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd >= 0) ::fsync(dir.fd);
  return ok();
}

Result<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(os_error("cannot open", path, errno == 0 ? ENOENT : errno));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return fail(os_error("cannot read", path, errno));
  return out.str();
}

Result<Secret> read_secret(const std::filesystem::path& path) {
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (file.fd < 0) return fail(os_error("cannot open", path, errno));
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) return fail(os_error("cannot inspect", path, errno));
  if ((info.st_mode & 077) != 0) {
    return fail(ErrorCode::permission_denied,
                path.string() + " is readable by group or others; make it mode 0600 (chmod 600)");
  }
  if (info.st_size > (1 << 20)) return fail(ErrorCode::invalid_argument, path.string() + " is too large for a key file");
  Secret secret(static_cast<std::size_t>(info.st_size));
  auto bytes = secret.unsafe_bytes();
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto got = ::read(file.fd, bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return fail(os_error("cannot read", path, got < 0 ? errno : EIO));
    done += static_cast<std::size_t>(got);
  }
  return secret;
}

Result<void> make_private_dir(const std::filesystem::path& path, mode_t mode) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return fail(ErrorCode::io, "cannot create folder " + path.string() + ": " + ec.message());
  if (::chmod(path.c_str(), mode) != 0) return fail(os_error("cannot set mode on", path, errno));
  return ok();
}

}  // namespace custos::files
