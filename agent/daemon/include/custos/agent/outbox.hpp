// The outbox: every event the agent must report is written here first, then
// sent to the vault in batches and deleted only once the vault has
// acknowledged it (after its own commit). A crash between the two means a
// resend, which the vault recognises by sequence and stores once.
//
// An SQLite file (WAL, synchronous=FULL: an event that append() returned is
// on disk). Sequences come from AUTOINCREMENT: they increase, survive
// restarts and are never reused, even after the newest events were sent and
// deleted.
//
// Bounded: when the events held would pass `max_bytes`, the oldest `info`
// events are deleted (a new info event that still does not fit is dropped
// too) and one "agent.gap" event (warning) records how many and which
// sequences went. `warning` and `critical` events are never shed, even past
// the bound.
//
// Thread-safety: all members may be called from several threads at once
// (one connection behind a mutex).
#pragma once

struct sqlite3;

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "custos/agent/event_sink.hpp"
#include "custos/platform/error.hpp"
#include "custos/platform/timestamp.hpp"

namespace custos::agent {

struct OutboxEvent {
  std::int64_t seq = 0;
  UnixSeconds time = 0;
  std::string kind;
  Severity severity = Severity::info;
  std::string detail;  // JSON text
};

class Outbox final : public EventSink {
 public:
  static Result<std::unique_ptr<Outbox>> open(const std::filesystem::path& file, std::int64_t max_bytes);
  ~Outbox() override;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Stores one event; its sequence, or 0 when it was an info event shed for
  // lack of room.
  Result<std::int64_t> append(std::string_view kind, Severity severity, std::string_view detail_json,
                              UnixSeconds time);
  // EventSink: append now, logging a failure.
  void record(std::string_view kind, Severity severity, boost::json::object detail) override;

  // The oldest `limit` events, by sequence.
  Result<std::vector<OutboxEvent>> oldest(std::size_t limit);
  // Deletes acknowledged events (unknown sequences are ignored).
  Result<void> remove(std::span<const std::int64_t> seqs);

  std::int64_t depth() const;  // events held
  std::int64_t bytes() const;  // their accounted size

  // Waits until an event is appended, wake() is called or `timeout` passes.
  void wait(std::chrono::milliseconds timeout);
  void wake();

 private:
  explicit Outbox(sqlite3* db, std::int64_t max_bytes) : db_(db), max_bytes_(max_bytes) {}
  Result<void> exec(const char* sql);
  Result<std::int64_t> insert(std::string_view kind, Severity severity, std::string_view detail, UnixSeconds time,
                              std::int64_t size);
  // Deletes oldest info events until `need` more bytes fit; how many, and
  // the first and last sequence deleted.
  struct Shed {
    std::int64_t count = 0, first = 0, last = 0;
  };
  Result<Shed> shed_for(std::int64_t need);

  sqlite3* db_;
  std::int64_t max_bytes_;
  mutable std::mutex mutex_;
  std::int64_t depth_ = 0;
  std::int64_t bytes_ = 0;
  std::condition_variable wakeup_;
  std::uint64_t appended_ = 0;  // bumped by append and wake, under mutex_
};

}  // namespace custos::agent
