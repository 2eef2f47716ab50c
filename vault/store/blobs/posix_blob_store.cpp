#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "custos/platform/files.hpp"
#include "custos/vault/blob_store.hpp"

namespace custos::vault {
namespace {

namespace fs = std::filesystem;

// Write-back is started for every window of this many appended bytes, so the
// disk works while the upload still encrypts instead of after it.
constexpr std::uint64_t kWritebackWindow = 2ull << 20;
// Every this many bytes a background fdatasync drains what the device (or
// the hypervisor below it) holds in its volatile cache; publish() then has
// only the tail to flush, and the client waits for no more than that. On the
// test machine the final flush of a 256 MiB upload took 0.3-0.44 s with no
// background flushes, 33-41 ms with one every 32 MiB and 0.1-6 ms with one
// every 4 MiB (docs/performance.md).
constexpr std::uint64_t kBackgroundFlushEvery = 4ull << 20;
constexpr std::size_t kShredBlock = 1 << 20;

Error os_error(std::string_view what, const fs::path& path, int err) {
  return Error{err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
               std::string(what) + " " + path.string() + ": " + std::strerror(err)};
}

// Owns a descriptor; closing is explicit where its result matters.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd() { (void)close(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int close() { return fd_ < 0 ? 0 : ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

Result<void> sync_folder(const fs::path& folder) {
  Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return fail(os_error("cannot open folder", folder, errno));
  if (::fsync(dir.get()) != 0) return fail(os_error("cannot flush folder", folder, errno));
  return ok();
}

Result<void> write_all(int fd, std::span<const std::uint8_t> bytes, std::uint64_t offset, const fs::path& path) {
  while (!bytes.empty()) {
    const auto written = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return fail(os_error("cannot write", path, written < 0 ? errno : ENOSPC));
    bytes = bytes.subspan(static_cast<std::size_t>(written));
    offset += static_cast<std::uint64_t>(written);
  }
  return ok();
}

// `name` is a document id written the canonical way (digits, no sign or
// leading zero), followed by `suffix`.
std::optional<Id> id_of(std::string_view name, std::string_view suffix) {
  if (!name.ends_with(suffix)) return std::nullopt;
  name.remove_suffix(suffix.size());
  Id id = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc() || end != name.data() + name.size() || id <= 0 || std::to_string(id) != name) {
    return std::nullopt;
  }
  return id;
}

// Writes a blob back to the disk while it is still being written, on a
// thread of its own so that the writer never waits for the device: for every
// window of kWritebackWindow new bytes it starts their write-back
// (sync_file_range, which may block on a full device queue), and every
// kBackgroundFlushEvery bytes it calls fdatasync. It remembers the first
// failure: Linux reports a write-back error to one fsync only, and it must
// not be lost before publish().
class BackgroundWriteback {
 public:
  explicit BackgroundWriteback(int fd) : fd_(fd), thread_([this] { run(); }) {}
  ~BackgroundWriteback() { stop(); }

  // The blob now holds `size` bytes.
  void written(std::uint64_t size) {
    std::lock_guard lock(mutex_);
    size_ = size;
    wake_.notify_one();
  }
  // Ends the thread after the step in progress; the first error, if any.
  std::optional<int> stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    return error_;
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || size_ - submitted_ >= kWritebackWindow; });
      if (stopping_) return;
      const auto from = submitted_, to = size_;
      const bool flush = to - flushed_ >= kBackgroundFlushEvery;
      lock.unlock();
      int err = 0;
      // Filesystems that cannot start write-back early (EINVAL, ENOSYS)
      // leave it all to fdatasync.
      if (::sync_file_range(fd_, static_cast<off_t>(from), static_cast<off_t>(to - from), SYNC_FILE_RANGE_WRITE) != 0 &&
          errno != EINVAL && errno != ENOSYS && errno != ESPIPE) {
        err = errno;
      }
      if (err == 0 && flush && ::fdatasync(fd_) != 0) err = errno;
      lock.lock();
      submitted_ = to;
      if (flush) flushed_ = to;
      if (err != 0 && !error_) error_ = err;
    }
  }

  int fd_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t size_ = 0;       // bytes in the blob
  std::uint64_t submitted_ = 0;  // write-back started below this offset
  std::uint64_t flushed_ = 0;    // flushed to stable storage below this offset
  bool stopping_ = false;
  std::optional<int> error_;
  std::thread thread_;  // last: starts once the members it uses exist
};

class PosixBlobWriter final : public BlobWriter {
 public:
  PosixBlobWriter(Fd fd, fs::path staging, fs::path published)
      : fd_(std::move(fd)), staging_(std::move(staging)), published_(std::move(published)) {}
  ~PosixBlobWriter() override {
    if (state_ == State::staging) (void)discard();
  }

  Result<void> append(std::span<const std::uint8_t> bytes) override {
    if (state_ != State::staging) return fail(ErrorCode::internal, "append to a blob that is not being staged");
    CUSTOS_TRY_VOID(write_all(fd_.get(), bytes, written_, staging_));
    written_ += bytes.size();
    if (written_ >= kWritebackWindow) {
      if (!writeback_) writeback_.emplace(fd_.get());
      writeback_->written(written_);
    }
    return ok();
  }

  Result<void> publish() override {
    if (state_ != State::staging) return fail(ErrorCode::internal, "publishing a blob that is not being staged");
    if (writeback_) {
      if (const auto err = writeback_->stop()) return fail(os_error("cannot write back", staging_, *err));
    }
    if (::fdatasync(fd_.get()) != 0) return fail(os_error("cannot flush", staging_, errno));
    if (fd_.close() != 0) return fail(os_error("cannot close", staging_, errno));
    if (::rename(staging_.c_str(), published_.c_str()) != 0) return fail(os_error("cannot publish", published_, errno));
    // From here the blob exists under its final name: discard() removes it.
    state_ = State::published;
    return sync_folder(published_.parent_path());
  }

  Result<void> discard() override {
    if (state_ == State::discarded) return ok();
    if (writeback_) (void)writeback_->stop();
    (void)fd_.close();
    const auto& name = state_ == State::published ? published_ : staging_;
    state_ = State::discarded;
    if (::unlink(name.c_str()) != 0 && errno != ENOENT) return fail(os_error("cannot remove", name, errno));
    return sync_folder(name.parent_path());
  }

 private:
  enum class State { staging, published, discarded };
  Fd fd_;
  fs::path staging_, published_;
  State state_ = State::staging;
  std::uint64_t written_ = 0;
  std::optional<BackgroundWriteback> writeback_;  // from the first window on
};

class PosixBlobReader final : public BlobReader {
 public:
  PosixBlobReader(Fd fd, fs::path path, std::uint64_t size) : fd_(std::move(fd)), path_(std::move(path)), size_(size) {}
  std::uint64_t size() const override { return size_; }

  Result<void> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    while (!out.empty()) {
      const auto got = ::pread(fd_.get(), out.data(), out.size(), static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return fail(os_error("cannot read", path_, errno));
      if (got == 0) return fail(ErrorCode::corrupt, path_.string() + " ends before its content does");
      out = out.subspan(static_cast<std::size_t>(got));
      offset += static_cast<std::uint64_t>(got);
    }
    return ok();
  }

 private:
  Fd fd_;
  fs::path path_;
  std::uint64_t size_;
};

class PosixBlobStore final : public BlobStore {
 public:
  explicit PosixBlobStore(fs::path root) : root_(std::move(root)) {}

  Result<std::unique_ptr<BlobWriter>> create(Id document) override {
    auto staging = staging_path(document);
    // Truncates a stale staging file of a reused id; 0600 from the first byte.
    Fd fd(::open(staging.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return fail(os_error("cannot create", staging, errno));
    if (::fchmod(fd.get(), 0600) != 0) {
      const int err = errno;
      ::unlink(staging.c_str());
      return fail(os_error("cannot set mode on", staging, err));
    }
    return std::unique_ptr<BlobWriter>(
        std::make_unique<PosixBlobWriter>(std::move(fd), std::move(staging), published_path(document)));
  }

  Result<std::unique_ptr<BlobReader>> open(Id document) override {
    auto path = published_path(document);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return fail(os_error("cannot open", path, errno));
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return fail(os_error("cannot inspect", path, errno));
    const auto size = static_cast<std::uint64_t>(info.st_size);
    return std::unique_ptr<BlobReader>(std::make_unique<PosixBlobReader>(std::move(fd), std::move(path), size));
  }

  Result<void> shred(Id document) override {
    const auto path = published_path(document);
    {
      Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
      if (!fd.valid()) return fail(os_error("cannot open", path, errno));
      struct stat info {};
      if (::fstat(fd.get(), &info) != 0) return fail(os_error("cannot inspect", path, errno));
      // In place, over the blocks the ciphertext occupies (ext4 and xfs
      // overwrite in place; copy-on-write file systems do not, see
      // docs/threat-model.md).
      const std::vector<std::uint8_t> zeros(kShredBlock, 0);
      const auto size = static_cast<std::uint64_t>(info.st_size);
      for (std::uint64_t at = 0; at < size; at += kShredBlock) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kShredBlock, size - at));
        CUSTOS_TRY_VOID(write_all(fd.get(), std::span(zeros).first(n), at, path));
      }
      if (::fdatasync(fd.get()) != 0) return fail(os_error("cannot flush", path, errno));
      if (fd.close() != 0) return fail(os_error("cannot close", path, errno));
    }
    if (::unlink(path.c_str()) != 0) return fail(os_error("cannot remove", path, errno));
    return sync_folder(root_);
  }

  Result<void> remove_staging(Id document) override {
    const auto path = staging_path(document);
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) return ok();
      return fail(os_error("cannot remove", path, errno));
    }
    return sync_folder(root_);
  }

  Result<BlobInventory> inventory() override {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(root_.c_str()), ::closedir);
    if (!dir) return fail(os_error("cannot list", root_, errno));
    BlobInventory out;
    errno = 0;
    while (const auto* entry = ::readdir(dir.get())) {
      const std::string_view name(entry->d_name);
      if (const auto id = id_of(name, kStagingSuffix)) {
        out.staging.push_back(*id);
      } else if (const auto published = id_of(name, "")) {
        out.published.push_back(*published);
      }
      errno = 0;
    }
    if (errno != 0) return fail(os_error("cannot list", root_, errno));
    std::sort(out.published.begin(), out.published.end());
    std::sort(out.staging.begin(), out.staging.end());
    return out;
  }

 private:
  static constexpr std::string_view kStagingSuffix = ".part";
  fs::path published_path(Id document) const { return root_ / std::to_string(document); }
  fs::path staging_path(Id document) const {
    return root_ / (std::to_string(document) + std::string(kStagingSuffix));
  }

  fs::path root_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> open_posix_blob_store(const std::filesystem::path& root) {
  CUSTOS_TRY_VOID(files::make_private_dir(root));
  return std::unique_ptr<BlobStore>(std::make_unique<PosixBlobStore>(root));
}

}  // namespace custos::vault
