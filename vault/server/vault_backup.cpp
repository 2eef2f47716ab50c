#include "custos/vault/vault_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

#include "custos/platform/files.hpp"
#include "custos/vault/backup_file.hpp"

namespace custos::vault {
namespace {

namespace fs = std::filesystem;

Error os_error(const std::string& what, const fs::path& subject, int err) {
  return Error{err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
               what + " " + subject.string() + ": " + std::strerror(err)};
}

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Result<void> write_all(int fd, std::span<const std::uint8_t> bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(os_error("cannot write", path, errno));
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return ok();
}

Result<std::size_t> read_some(int fd, std::span<std::uint8_t> into, const fs::path& path) {
  for (;;) {
    const auto n = ::read(fd, into.data(), into.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(os_error("cannot read", path, errno));
    return static_cast<std::size_t>(n);
  }
}

Result<void> flush_folder(const fs::path& folder) {
  Fd dir{::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd < 0 || ::fsync(dir.fd) != 0) return fail(os_error("cannot flush", folder, errno));
  return ok();
}

// A database closed whatever happens.
struct Db {
  sqlite3* db = nullptr;
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { sqlite3_close_v2(db); }
};

Error sqlite_error(sqlite3* db, const std::string& what) {
  return Error{ErrorCode::io, what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory")};
}

// A consistent copy of the store in memory: sqlite3_backup_step(-1) copies
// every page inside one read transaction, which in WAL mode never blocks the
// serving vault's writers (and is never disturbed by them).
Result<void> snapshot(const fs::path& store, Db& memory) {
  Db source;
  if (sqlite3_open_v2(store.c_str(), &source.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return fail(sqlite_error(source.db, "cannot open " + store.string()));
  }
  sqlite3_busy_timeout(source.db, 10000);
  if (sqlite3_open(":memory:", &memory.db) != SQLITE_OK) return fail(sqlite_error(memory.db, "cannot open memory"));
  sqlite3_backup* copy = sqlite3_backup_init(memory.db, "main", source.db, "main");
  if (copy == nullptr) return fail(sqlite_error(memory.db, "cannot start the backup of " + store.string()));
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 500; ++attempt) {
    rc = sqlite3_backup_step(copy, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  sqlite3_backup_finish(copy);
  if (rc != SQLITE_DONE) return fail(sqlite_error(memory.db, "backup of " + store.string() + " failed"));
  return ok();
}

// The documents whose ciphertext the snapshot expects in blobs/.
Result<std::vector<std::int64_t>> documents_in_blobs(sqlite3* db) {
  std::vector<std::int64_t> ids;
  sqlite3_stmt* stmt = nullptr;
  constexpr const char* kSql =
      "SELECT id FROM documents WHERE state = 'active' AND ciphertext_in = 'blob' ORDER BY id";
  if (sqlite3_prepare_v2(db, kSql, -1, &stmt, nullptr) != SQLITE_OK) {
    return fail(sqlite_error(db, "the snapshot is not a Custos store (schema 7 or later)"));
  }
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return fail(sqlite_error(db, "reading the snapshot's documents"));
  return ids;
}

Result<Secret> backup_key_of(const fs::path& vault_key_file) {
  auto vault_key = files::read_secret(vault_key_file);
  if (!vault_key) return fail(vault_key.error());
  if (vault_key->size() != 32) return fail(ErrorCode::corrupt, vault_key_file.string() + " is not a 32-byte key");
  return backup::derive_backup_key(*vault_key);
}

}  // namespace

Result<BackupSummary> backup_vault(const VaultPaths& paths, const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(paths.store(), ec)) {
    return fail(ErrorCode::not_found, "no vault in " + paths.data_dir.string() + " (no vault.db)");
  }
  auto key = backup_key_of(paths.vault_key());
  if (!key) return fail(key.error());

  // First the database, then the files it references: each file is
  // published before the row that makes its document active commits, so
  // every document active in the snapshot already has its file.
  Db memory;
  CUSTOS_TRY_VOID(snapshot(paths.store(), memory));
  auto ids = documents_in_blobs(memory.db);
  if (!ids) return fail(ids.error());

  const fs::path temp = out.string() + ".partial";
  Fd file{::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (file.fd < 0) return fail(os_error("cannot create", temp, errno));
  if (fs::exists(out, ec)) {
    ::unlink(temp.c_str());
    return fail(ErrorCode::already_exists, out.string() + " exists; a backup never replaces a file");
  }
  BackupSummary summary;
  auto written = [&]() -> Result<void> {
    auto writer = backup::Writer::create(
        *key, [&](std::span<const std::uint8_t> bytes) { return write_all(file.fd, bytes, temp); });
    if (!writer) return fail(writer.error());
    sqlite3_int64 size = 0;
    unsigned char* image = sqlite3_serialize(memory.db, "main", &size, 0);
    if (image == nullptr) return fail(sqlite_error(memory.db, "cannot serialise the snapshot"));
    summary.database_bytes = static_cast<std::uint64_t>(size);
    auto put = [&]() -> Result<void> {
      CUSTOS_TRY_VOID(writer->begin_database(summary.database_bytes));
      return writer->data({image, static_cast<std::size_t>(size)});
    }();
    sqlite3_free(image);
    CUSTOS_TRY_VOID(put);
    std::vector<std::uint8_t> buffer(1 << 20);
    for (const auto id : *ids) {
      const auto blob_path = paths.blobs() / std::to_string(id);
      Fd blob{::open(blob_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
      struct stat st {};
      if (blob.fd < 0 && errno == ENOENT) {
        summary.missing.push_back(id);
        continue;
      }
      if (blob.fd < 0 || ::fstat(blob.fd, &st) != 0) return fail(os_error("cannot open", blob_path, errno));
      const auto blob_size = static_cast<std::uint64_t>(st.st_size);
      CUSTOS_TRY_VOID(writer->begin_blob(id, blob_size));
      std::uint64_t left = blob_size;
      while (left > 0) {
        auto n = read_some(blob.fd, {buffer.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()))},
                           blob_path);
        if (!n) return fail(n.error());
        if (*n == 0) return fail(ErrorCode::corrupt, blob_path.string() + " shrank while it was copied");
        CUSTOS_TRY_VOID(writer->data({buffer.data(), *n}));
        left -= *n;
      }
      ++summary.blobs;
      summary.blob_bytes += blob_size;
    }
    return writer->finish();
  }();
  if (!written) {
    ::unlink(temp.c_str());
    return fail(written.error());
  }
  if (::fsync(file.fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return fail(os_error("cannot flush", temp, err));
  }
  CUSTOS_TRY_VOID(files::replace_with(temp, out, 0600));
  return summary;
}

namespace {

// Copies the backed-up keys (and TLS identity, configuration) into the
// target, adding each file made to `made`; refuses to overwrite any.
Result<void> copy_keys(const fs::path& from, const VaultPaths& target, std::vector<fs::path>& made) {
  std::error_code ec;
  if (!fs::exists(from / "keys" / "vault.key", ec)) {
    return fail(ErrorCode::not_found, "no keys/vault.key in " + from.string());
  }
  for (const char* folder : {"keys", "tls"}) {
    if (!fs::is_directory(from / folder, ec)) continue;
    CUSTOS_TRY_VOID(files::make_private_dir(target.data_dir / folder));
    for (const auto& entry : fs::directory_iterator(from / folder, ec)) {
      if (!entry.is_regular_file()) continue;
      const auto name = entry.path().filename().string();
      const auto dest = target.data_dir / folder / name;
      if (fs::exists(dest, ec)) return fail(ErrorCode::already_exists, dest.string() + " exists; refusing to replace it");
      if (name == "signing.pub" || name == "cert.pem") {
        auto text = files::read_text(entry.path());
        if (!text) return fail(text.error());
        CUSTOS_TRY_VOID(files::write_atomic(dest, *text, 0644));
        made.push_back(dest);
      } else {
        // Refuses a key file that group or others could read.
        auto secret = files::read_secret(entry.path());
        if (!secret) return fail(secret.error());
        CUSTOS_TRY_VOID(files::write_atomic(dest, secret->unsafe_bytes(), 0600));
        made.push_back(dest);
      }
    }
    if (ec) return fail(ErrorCode::io, "cannot list " + (from / folder).string() + ": " + ec.message());
  }
  if (fs::exists(from / "vault.toml", ec) && !fs::exists(target.config(), ec)) {
    auto text = files::read_text(from / "vault.toml");
    if (!text) return fail(text.error());
    CUSTOS_TRY_VOID(files::write_atomic(target.config(), *text, 0600));
    made.push_back(target.config());
  }
  return ok();
}

Result<void> check_database(const fs::path& path) {
  Db db;
  if (sqlite3_open_v2(path.c_str(), &db.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return fail(sqlite_error(db.db, "cannot open the restored store"));
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.db, "PRAGMA quick_check", -1, &stmt, nullptr) != SQLITE_OK) {
    return fail(sqlite_error(db.db, "cannot check the restored store"));
  }
  std::string verdict;
  if (sqlite3_step(stmt) == SQLITE_ROW) verdict = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  if (verdict != "ok") return fail(ErrorCode::corrupt, "the restored store fails SQLite's check: " + verdict);
  return ok();
}

}  // namespace

Result<RestoreSummary> restore_vault(const fs::path& file, const VaultPaths& target, const fs::path& keys_from) {
  std::error_code ec;
  if (fs::exists(target.store(), ec)) {
    return fail(ErrorCode::already_exists, target.data_dir.string() + " holds a store already; restore into a new folder");
  }
  Fd in{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) return fail(os_error("cannot open", file, errno));
  CUSTOS_TRY_VOID(files::make_private_dir(target.data_dir));
  std::vector<fs::path> written;  // removed again if anything fails
  auto undo = [&](Error error) -> Result<RestoreSummary> {
    for (const auto& path : written) fs::remove(path, ec);
    return fail(std::move(error));
  };
  if (!keys_from.empty()) {
    if (fs::exists(target.vault_key(), ec)) {
      return fail(ErrorCode::already_exists, target.vault_key().string() + " exists; give --keys-from or keys/, not both");
    }
    if (auto copied = copy_keys(keys_from, target, written); !copied) return undo(copied.error());
  } else if (!fs::exists(target.vault_key(), ec)) {
    return fail(ErrorCode::not_found, "the backup opens only with its vault's keys: put the key backup in " +
                                          (target.data_dir / "keys").string() + " or give --keys-from");
  }
  auto key = backup_key_of(target.vault_key());
  if (!key) return undo(key.error());
  if (auto made = files::make_private_dir(target.blobs()); !made) return undo(made.error());
  // Leftovers of another store would be taken for this one's.
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(target.store().string() + suffix, ec);

  const fs::path temp_db = target.store().string() + ".restoring";
  RestoreSummary summary;
  std::unique_ptr<Fd> out;
  fs::path out_path;
  auto close_current = [&]() -> Result<void> {
    if (!out) return ok();
    if (::fsync(out->fd) != 0) return fail(os_error("cannot flush", out_path, errno));
    out.reset();
    return ok();
  };
  auto open_new = [&](const fs::path& path) -> Result<void> {
    CUSTOS_TRY_VOID(close_current());
    out = std::make_unique<Fd>(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (out->fd < 0) {
      const int err = errno;
      out.reset();
      return fail(os_error("cannot create", path, err));
    }
    out_path = path;
    written.push_back(path);
    return ok();
  };
  const backup::Visitor visitor{
      [&](std::uint64_t size) -> Result<void> {
        summary.database_bytes = size;
        return open_new(temp_db);
      },
      [&](std::int64_t id, std::uint64_t) -> Result<void> {
        ++summary.blobs;
        return open_new(target.blobs() / std::to_string(id));
      },
      [&](std::span<const std::uint8_t> bytes) { return write_all(out->fd, bytes, out_path); },
      [&](std::uint64_t) { return close_current(); }};
  const backup::Source source = [&](std::span<std::uint8_t> into) { return read_some(in.fd, into, file); };
  auto restored = [&]() -> Result<void> {
    CUSTOS_TRY_VOID(backup::read(*key, source, visitor));
    CUSTOS_TRY_VOID(flush_folder(target.blobs()));
    CUSTOS_TRY_VOID(check_database(temp_db));
    return files::replace_with(temp_db, target.store(), 0600);
  }();
  if (!restored) {
    out.reset();
    return undo(restored.error());
  }
  return summary;
}

}  // namespace custos::vault
