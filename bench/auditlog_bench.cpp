// Benchmarks of the vault's audit log, one figure per line:
//   - durable appends with signing under concurrent load: 64 threads record
//     audit entries through the vault's group-committing sink into a real
//     SQLite store (WAL, synchronous=FULL) while the head signer runs (a head
//     every 1,000 entries or second); beside it the ceiling, plain durable
//     SQLite inserts of the same rows in transactions of the same size, with
//     no leaf hashing and no subtrees;
//   - verifying a 1,000,000-entry export file (`custos audit verify`):
//     canonical lines parsed, leaves re-encoded and hashed, the tree rebuilt
//     and every head checked; beside it the ceiling, one SHA-256 pass over
//     the same bytes.
// Each figure names its ratio to the ceiling measured in the same run.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "custos/auditlog/entry.hpp"
#include "custos/auditlog/export_file.hpp"
#include "custos/vault/batching_audit_sink.hpp"
#include "custos/vault/identifier_hasher.hpp"
#include "custos/vault/log_service.hpp"
#include "custos/vault/sqlite_store.hpp"

namespace {

using namespace custos;
using namespace custos::vault;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

AuditRecord sample_record(std::uint64_t n) {
  AuditRecord r;
  r.time = now_seconds();
  r.request_id = "bench-" + std::to_string(n);
  r.actor_id = static_cast<Id>(1 + n % 50);
  r.actor = "clerk" + std::to_string(n % 50);
  r.source = "10.0.0." + std::to_string(n % 250);
  r.action = "document.content";
  r.target = "document:" + std::to_string(n % 1000);
  r.outcome = Outcome::allowed;
  r.reason = "ok";
  r.detail = "{\"bytes\":1048576}";
  return r;
}

std::filesystem::path fresh_dir(const char* tag) {
  auto dir = std::filesystem::temp_directory_path() / (std::string("custos-bench-") + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct AppendFigures {
  double entries_per_second = 0;
  double records_per_commit = 0;
  std::uint64_t heads = 0;
};

AppendFigures durable_appends(int threads, double seconds) {
  const auto dir = fresh_dir("appends");
  auto store = open_sqlite_store(dir / "vault.db", true);
  if (!store) std::abort();
  Metrics metrics;
  AppendFigures figures;
  {
    BatchingAuditSink sink(**store, metrics);
    const auto key = SigningKey::generate();
    const IdentifierHasher hasher(Secret::random(32));
    LogOptions options;
    options.head_every_entries = 1000;
    options.head_every = std::chrono::milliseconds(1000);
    auto log = LogService::open(**store, sink, key, hasher, options);
    if (!log) std::abort();
    std::jthread signer([&log](std::stop_token stop) { (*log)->run([&stop] { return stop.stop_requested(); }); });
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> done{0};
    const auto start = Clock::now();
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (std::uint64_t n = static_cast<std::uint64_t>(t); !stop.load(std::memory_order_relaxed); n += 1000) {
          if (!sink.record(sample_record(n))) std::abort();
          done.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    workers.clear();
    const double elapsed = since(start);
    figures.entries_per_second = static_cast<double>(done.load()) / elapsed;
    signer.request_stop();
    signer.join();
    auto tx = (*store)->begin(TxMode::read);
    auto heads = (*tx)->tree_heads(0, ~0ULL >> 1, 1'000'000);
    figures.heads = heads ? heads->size() : 0;
    // Group commits, from the sink's own counter.
    const auto text = metrics.render();
    const std::string name = "\ncustos_audit_batches_total ";
    const auto at = text.find(name);
    const double commits = at == std::string::npos ? 0 : std::stod(text.substr(at + name.size()));
    figures.records_per_commit = commits > 0 ? static_cast<double>(done.load()) / commits : 0;
  }
  store->reset();
  std::filesystem::remove_all(dir);
  return figures;
}

// The ceiling: the same rows into a table of the same shape, same pragmas,
// `batch` rows a durable transaction, from one thread.
double raw_sqlite_inserts(std::size_t batch, double seconds) {
  const auto dir = fresh_dir("raw");
  sqlite3* db = nullptr;
  sqlite3_open((dir / "raw.db").c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; "
               "CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, request_id TEXT NOT NULL, "
               "actor_id INTEGER, actor TEXT NOT NULL, source TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, "
               "outcome TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL); "
               "CREATE INDEX audit_by_time ON audit_events(time);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO audit_events (time, request_id, actor_id, actor, source, action, target, outcome, "
                     "reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     -1, &insert, nullptr);
  std::uint64_t rows = 0;
  const auto start = Clock::now();
  while (since(start) < seconds) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (std::size_t i = 0; i < batch; ++i, ++rows) {
      const auto r = sample_record(rows);
      sqlite3_bind_int64(insert, 1, r.time);
      sqlite3_bind_text(insert, 2, r.request_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 3, *r.actor_id);
      sqlite3_bind_text(insert, 4, r.actor.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 5, r.source.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 6, r.action.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 7, r.target.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 8, "allowed", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 9, r.reason.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 10, r.detail.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(insert) != SQLITE_DONE) std::abort();
      sqlite3_reset(insert);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double rate = static_cast<double>(rows) / since(start);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
  return rate;
}

void export_verification() {
  constexpr std::uint64_t kEntries = 1'000'000;
  const auto key = SigningKey::generate();
  std::vector<std::string> lines;
  lines.reserve(kEntries + 1);
  auditlog::ExportHeader header;
  header.log_id = merkle::log_id_for(key.public_key());
  merkle::CompactRange range;
  std::size_t bytes = 0;
  lines.emplace_back();
  for (std::uint64_t seq = 1; seq <= kEntries; ++seq) {
    auto record = sample_record(seq);
    record.seq = static_cast<Id>(seq);
    const auto entry = to_log_entry(record);
    const auto leaf = *auditlog::entry_leaf_hash(entry);
    range.append(leaf);
    if (seq % 1000 == 0) {
      header.heads.push_back(*merkle::sign_tree_head({header.log_id, seq, range.root(), 1'800'000'000}, key));
    }
    lines.push_back(auditlog::to_json_line(entry, &leaf));
    bytes += lines.back().size() + 1;
  }
  lines[0] = auditlog::to_header_line(header);

  // As `custos audit verify` reads: batches of 16,384 lines, read and hashed
  // on every core, the tree fed in order; and line by line on one core.
  const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  const std::span<const std::string> entries(lines.begin() + 1, lines.end());
  double best_verify = 1e300, best_single = 1e300, best_raw = 1e300;
  for (int round = 0; round < 3; ++round) {
    auto start = Clock::now();
    auto verifier = auditlog::ExportFileVerifier::begin(lines[0], key.public_key());
    if (!verifier) std::abort();
    for (std::size_t at = 0; at < entries.size(); at += 16384) {
      if (!verifier->add_lines(entries.subspan(at, std::min<std::size_t>(16384, entries.size() - at)), threads)) {
        std::abort();
      }
    }
    if (!verifier->finish().ok()) std::abort();
    best_verify = std::min(best_verify, since(start));

    start = Clock::now();
    auto single = auditlog::ExportFileVerifier::begin(lines[0], key.public_key());
    for (const auto& line : entries) {
      if (!single->add_line(line)) std::abort();
    }
    if (!single->finish().ok()) std::abort();
    best_single = std::min(best_single, since(start));

    start = Clock::now();
    unsigned char digest[32];
    unsigned char fold = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      SHA256_CTX ctx;
      SHA256_Init(&ctx);
      SHA256_Update(&ctx, lines[i].data(), lines[i].size());
      SHA256_Final(digest, &ctx);
      fold = static_cast<unsigned char>(fold ^ digest[0]);
    }
    best_raw = std::min(best_raw, since(start));
    if (fold == 0x5a && round == 99) std::puts("");  // keeps the hashing
  }
  const double verify_rate = static_cast<double>(kEntries) / best_verify;
  const double raw_rate = static_cast<double>(kEntries) / best_raw;
  std::printf("export verify, 1,000,000 entries (%.0f bytes each, %zu heads): %.0f entries/s, %.1f MB/s\n",
              static_cast<double>(bytes) / kEntries, header.heads.size(), verify_rate,
              static_cast<double>(bytes) / best_verify / 1e6);
  std::printf("  on %u threads as custos audit verify reads (goal: 1,000,000 entries/s); line by line on one: %.0f entries/s\n",
              threads, static_cast<double>(kEntries) / best_single);
  std::printf("  ceiling, one SHA-256 of each line on one core: %.0f entries/s; ratio %.2f\n", raw_rate,
              verify_rate / raw_rate);
}

}  // namespace

int main() {
  export_verification();
  // 64 concurrent writers are the vault's default worker pool; 256 stand for
  // a few hundred agents reporting at once. Each commit is one fsync, so the
  // rate grows with the records that arrive while the previous one runs.
  for (const int threads : {64, 256}) {
    const auto appends = durable_appends(threads, 5.0);
    const auto batch = static_cast<std::size_t>(std::max(1.0, appends.records_per_commit));
    const double ceiling = raw_sqlite_inserts(batch, 5.0);
    std::printf("durable appends, %d threads, with leaves, subtrees and signed heads: %.0f entries/s "
                "(%.1f records per commit, %llu heads signed) (goal: 20,000 entries/s)\n",
                threads, appends.entries_per_second, appends.records_per_commit,
                static_cast<unsigned long long>(appends.heads));
    std::printf("  ceiling, plain SQLite inserts in durable transactions of %zu rows: %.0f rows/s; ratio %.2f\n",
                batch, ceiling, appends.entries_per_second / ceiling);
  }
  return 0;
}
