#include "custos/records/byte_source.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace custos::records {
namespace {

class IstreamSource final : public ByteSource {
 public:
  explicit IstreamSource(std::istream& in) : in_(in) {}
  Result<std::size_t> read(std::span<char> buffer) override {
    // istream::read sets failbit at a short read at the end, which is the
    // normal end of input; only badbit means the stream itself broke.
    in_.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in_.bad()) return fail(ErrorCode::io, "reading the input stream failed");
    return static_cast<std::size_t>(in_.gcount());
  }

 private:
  std::istream& in_;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : rest_(bytes) {}
  Result<std::size_t> read(std::span<char> buffer) override {
    const std::size_t n = std::min(buffer.size(), rest_.size());
    if (n > 0) std::memcpy(buffer.data(), rest_.data(), n);
    rest_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view rest_;
};

// Plain POSIX reads: no iostream buffering layer between the kernel and our
// own chunk buffer, and no exceptions to translate.
class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<std::size_t> read(std::span<char> buffer) override {
    for (;;) {
      const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      return fail(ErrorCode::io, "reading " + name_ + " failed: " + std::strerror(errno));
    }
  }

 private:
  int fd_;
  std::string name_;
};

}  // namespace

std::unique_ptr<ByteSource> source_from_istream(std::istream& in) { return std::make_unique<IstreamSource>(in); }

std::unique_ptr<ByteSource> source_from_memory(std::string_view bytes) {
  return std::make_unique<MemorySource>(bytes);
}

Result<std::unique_ptr<ByteSource>> open_file_source(const std::filesystem::path& path) {
  const std::string name = path.string();
  const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return fail(ErrorCode::not_found, name + " does not exist; check the path");
    return fail(ErrorCode::io, "cannot open " + name + ": " + std::strerror(err));
  }
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::invalid_argument, name + " is a folder; give a .csv file");
  }
  // Tell the kernel we read front to back once, so read-ahead is generous.
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(fd, name));
}

}  // namespace custos::records
