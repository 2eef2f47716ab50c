#include "custos/agent/outbox.hpp"

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

namespace custos::agent {
namespace {

// What an event counts against the bound: its text and a row's overhead.
constexpr std::int64_t kRowOverhead = 64;
std::int64_t size_of(std::string_view kind, std::string_view detail) {
  return static_cast<std::int64_t>(kind.size() + detail.size()) + kRowOverhead;
}

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

Error db_error(sqlite3* db, std::string_view what) {
  return Error{ErrorCode::io, "outbox: cannot " + std::string(what) + ": " + sqlite3_errmsg(db)};
}

}  // namespace

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
  }
  return "critical";
}

Result<std::unique_ptr<Outbox>> Outbox::open(const std::filesystem::path& file, std::int64_t max_bytes) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    Error error = db_error(db, "open " + file.string());
    sqlite3_close(db);
    return fail(std::move(error));
  }
  std::unique_ptr<Outbox> box(new Outbox(db, max_bytes));
  CUSTOS_TRY_VOID(box->exec("PRAGMA busy_timeout = 5000"));
  CUSTOS_TRY_VOID(box->exec("PRAGMA journal_mode = WAL"));
  CUSTOS_TRY_VOID(box->exec("PRAGMA synchronous = FULL"));
  CUSTOS_TRY_VOID(box->exec(
      "CREATE TABLE IF NOT EXISTS events ("
      " seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, kind TEXT NOT NULL,"
      " severity INTEGER NOT NULL, detail TEXT NOT NULL, bytes INTEGER NOT NULL)"));
  Statement count(db, "SELECT count(*), coalesce(sum(bytes), 0) FROM events");
  if (!count.ok() || sqlite3_step(count.get()) != SQLITE_ROW) return fail(db_error(db, "count events"));
  box->depth_ = sqlite3_column_int64(count.get(), 0);
  box->bytes_ = sqlite3_column_int64(count.get(), 1);
  return box;
}

Outbox::~Outbox() { sqlite3_close(db_); }

Result<void> Outbox::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return fail(ErrorCode::io, std::string("outbox: ") + text);
  }
  return ok();
}

Result<std::int64_t> Outbox::insert(std::string_view kind, Severity severity, std::string_view detail,
                                    UnixSeconds time, std::int64_t size) {
  Statement put(db_, "INSERT INTO events(time, kind, severity, detail, bytes) VALUES (?, ?, ?, ?, ?)");
  if (!put.ok()) return fail(db_error(db_, "prepare an insert"));
  sqlite3_bind_int64(put.get(), 1, time);
  sqlite3_bind_text(put.get(), 2, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int(put.get(), 3, static_cast<int>(severity));
  sqlite3_bind_text(put.get(), 4, detail.data(), static_cast<int>(detail.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(put.get(), 5, size);
  if (sqlite3_step(put.get()) != SQLITE_DONE) return fail(db_error(db_, "store an event"));
  depth_ += 1;
  bytes_ += size;
  return sqlite3_last_insert_rowid(db_);
}

Result<Outbox::Shed> Outbox::shed_for(std::int64_t need) {
  Shed shed;
  Statement pick(db_, "SELECT seq, bytes FROM events WHERE severity = 0 AND kind != 'agent.gap' ORDER BY seq");
  Statement drop(db_, "DELETE FROM events WHERE seq = ?");
  if (!pick.ok() || !drop.ok()) return fail(db_error(db_, "prepare shedding"));
  while (bytes_ + need > max_bytes_ && sqlite3_step(pick.get()) == SQLITE_ROW) {
    const auto seq = sqlite3_column_int64(pick.get(), 0);
    sqlite3_bind_int64(drop.get(), 1, seq);
    if (sqlite3_step(drop.get()) != SQLITE_DONE) return fail(db_error(db_, "shed an event"));
    sqlite3_reset(drop.get());
    depth_ -= 1;
    bytes_ -= sqlite3_column_int64(pick.get(), 1);
    if (shed.count++ == 0) shed.first = seq;
    shed.last = seq;
  }
  return shed;
}

Result<std::int64_t> Outbox::append(std::string_view kind, Severity severity, std::string_view detail_json,
                                    UnixSeconds time) {
  std::unique_lock lock(mutex_);
  const auto size = size_of(kind, detail_json);
  const auto saved_depth = depth_;
  const auto saved_bytes = bytes_;
  CUSTOS_TRY_VOID(exec("BEGIN IMMEDIATE"));
  auto work = [&]() -> Result<std::int64_t> {
    std::int64_t seq = 0;
    if (bytes_ + size > max_bytes_) {
      const std::string gap_room(160, ' ');  // room for the gap event itself
      auto shed = shed_for(size + size_of("agent.gap", gap_room));
      if (!shed) return fail(shed.error());
      std::int64_t dropped_new = 0;
      const bool fits = bytes_ + size <= max_bytes_;
      if (!fits && severity == Severity::info) dropped_new = 1;
      if (shed->count + dropped_new > 0) {
        const std::string gap = "{\"shed\":" + std::to_string(shed->count + dropped_new) +
                                ",\"first_seq\":" + std::to_string(shed->first) +
                                ",\"last_seq\":" + std::to_string(shed->last) +
                                ",\"severity\":\"info\",\"max_bytes\":" + std::to_string(max_bytes_) + "}";
        auto gap_seq = insert("agent.gap", Severity::warning, gap, time, size_of("agent.gap", gap));
        if (!gap_seq) return fail(gap_seq.error());
        spdlog::warn("outbox full ({} bytes): shed {} info event(s)", max_bytes_, shed->count + dropped_new);
      }
      if (dropped_new != 0) return seq;
    }
    return insert(kind, severity, detail_json, time, size);
  };
  auto seq = work();
  if (!seq) {
    (void)exec("ROLLBACK");
    depth_ = saved_depth;
    bytes_ = saved_bytes;
    return seq;
  }
  if (auto committed = exec("COMMIT"); !committed) {
    (void)exec("ROLLBACK");
    depth_ = saved_depth;
    bytes_ = saved_bytes;
    return fail(committed.error());
  }
  ++appended_;
  lock.unlock();
  wakeup_.notify_all();
  return seq;
}

void Outbox::record(std::string_view kind, Severity severity, boost::json::object detail) {
  auto stored = append(kind, severity, boost::json::serialize(detail), now_seconds());
  if (!stored) spdlog::error("could not store a {} event: {}", kind, stored.error().message);
}

Result<std::vector<OutboxEvent>> Outbox::oldest(std::size_t limit) {
  std::lock_guard lock(mutex_);
  Statement get(db_, "SELECT seq, time, kind, severity, detail FROM events ORDER BY seq LIMIT ?");
  if (!get.ok()) return fail(db_error(db_, "prepare a read"));
  sqlite3_bind_int64(get.get(), 1, static_cast<std::int64_t>(limit));
  std::vector<OutboxEvent> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(get.get())) == SQLITE_ROW) {
    OutboxEvent e;
    e.seq = sqlite3_column_int64(get.get(), 0);
    e.time = sqlite3_column_int64(get.get(), 1);
    e.kind = reinterpret_cast<const char*>(sqlite3_column_text(get.get(), 2));
    const int severity = sqlite3_column_int(get.get(), 3);
    e.severity = severity == 0 ? Severity::info : severity == 1 ? Severity::warning : Severity::critical;
    e.detail = reinterpret_cast<const char*>(sqlite3_column_text(get.get(), 4));
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return fail(db_error(db_, "read events"));
  return out;
}

Result<void> Outbox::remove(std::span<const std::int64_t> seqs) {
  std::lock_guard lock(mutex_);
  CUSTOS_TRY_VOID(exec("BEGIN IMMEDIATE"));
  Statement drop(db_, "DELETE FROM events WHERE seq = ? RETURNING bytes");
  if (!drop.ok()) {
    (void)exec("ROLLBACK");
    return fail(db_error(db_, "prepare a delete"));
  }
  std::int64_t removed = 0, freed = 0;
  for (const auto seq : seqs) {
    sqlite3_bind_int64(drop.get(), 1, seq);
    int rc = sqlite3_step(drop.get());
    if (rc == SQLITE_ROW) {
      ++removed;
      freed += sqlite3_column_int64(drop.get(), 0);
      rc = sqlite3_step(drop.get());
    }
    if (rc != SQLITE_DONE) {
      (void)exec("ROLLBACK");
      return fail(db_error(db_, "delete acknowledged events"));
    }
    sqlite3_reset(drop.get());
  }
  CUSTOS_TRY_VOID(exec("COMMIT"));
  depth_ -= removed;
  bytes_ -= freed;
  return ok();
}

std::int64_t Outbox::depth() const {
  std::lock_guard lock(mutex_);
  return depth_;
}

std::int64_t Outbox::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void Outbox::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto seen = appended_;
  wakeup_.wait_for(lock, timeout, [&] { return appended_ != seen; });
}

void Outbox::wake() {
  {
    std::lock_guard lock(mutex_);
    ++appended_;
  }
  wakeup_.notify_all();
}

}  // namespace custos::agent
