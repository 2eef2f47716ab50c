// 100 simulated agents, one vault: each agent is enrolled with the real
// enrollment code and has the daemon's own Outbox (an SQLite file on the
// same disk as the vault's) holding 2,000 device-decision events, and its own
// VaultLink, the daemon's sender. All links start at once; the figure is the
// events acknowledged per second — an event counts once the vault answered
// for it after its commit (synchronous = FULL) and the agent deleted it
// from its outbox — until every outbox is empty.
//
// The ceiling, measured in the same run on the same disk: the raw SQLite
// insert rate of the same rows into a table shaped like the vault's
// agent_events (WAL, synchronous = FULL, one transaction per batch of 1,000,
// a prepared statement), without TLS, JSON, authentication or audit.
#include <sqlite3.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <thread>

#include "custos/agent/enrollment.hpp"
#include "custos/agent/outbox.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/agent/vault_link.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/hash.hpp"
#include "vault_support.hpp"

namespace {

using namespace custos;
using namespace custos::bench;

constexpr int kAgents = 100;
constexpr int kEventsPerAgent = 2000;
constexpr int kBatch = 1000;  // the sender's batch, the vault's limit per request

// A device decision as DeviceControl reports it (about 330 bytes of JSON).
std::string decision_detail(int agent, int n) {
  return "{\"name\":\"2-" + std::to_string(n % 7 + 1) +
         "\",\"device\":\"0781:5581\",\"serial\":\"4C530001" + std::to_string(agent * 100000 + n) +
         "\",\"product\":\"Cruzer Blade\",\"decision\":\"block\",\"rule\":\"implicit:claims:removable-storage\","
         "\"interfaces\":[{\"name\":\"2-1:1.0\",\"class\":\"08:06:50\",\"decision\":\"block\","
         "\"rule\":\"implicit:claims:removable-storage\"}],\"enforced\":true,\"read_only\":[]}";
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : "?";
    sqlite3_free(message);
    die(std::string(sql) + ": " + text);
  }
}

// Fills an outbox the way the agent would have over a day offline, in one
// transaction (not measured): the same rows Outbox::append writes.
void prefill(const std::filesystem::path& file, int agent) {
  { auto made = agent::Outbox::open(file, std::int64_t{256} << 20); if (!made) die(made.error().describe()); }
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) die("cannot open " + file.string());
  exec(db, "BEGIN");
  sqlite3_stmt* put = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO events(time, kind, severity, detail, bytes) VALUES (?, 'device.decision', 0, ?, ?)",
                     -1, &put, nullptr);
  const auto now = now_seconds();
  for (int n = 1; n <= kEventsPerAgent; ++n) {
    const auto detail = decision_detail(agent, n);
    sqlite3_bind_int64(put, 1, now);
    sqlite3_bind_text(put, 2, detail.data(), static_cast<int>(detail.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(put, 3, static_cast<std::int64_t>(detail.size() + std::string_view("device.decision").size()) + 64);
    if (sqlite3_step(put) != SQLITE_DONE) die("prefill failed");
    sqlite3_reset(put);
  }
  sqlite3_finalize(put);
  exec(db, "COMMIT");
  sqlite3_close(db);
}

// The raw insert rate of the same rows into the vault's table shape.
double sqlite_ceiling(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) die("cannot open " + file.string());
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, "PRAGMA synchronous = FULL");
  exec(db,
       "CREATE TABLE agent_events (agent_id INTEGER NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL,"
       " kind TEXT NOT NULL, severity TEXT NOT NULL, detail TEXT NOT NULL, digest TEXT NOT NULL,"
       " received_at INTEGER NOT NULL, PRIMARY KEY (agent_id, seq)) WITHOUT ROWID");
  sqlite3_stmt* put = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO agent_events (agent_id, seq, time, kind, severity, detail, digest, received_at)"
                     " VALUES (?, ?, ?, 'device.decision', 'info', ?, ?, ?)",
                     -1, &put, nullptr);
  // Rows prepared first: the ceiling is the store, not string building.
  std::vector<std::string> details, digests;
  for (int n = 1; n <= kEventsPerAgent; ++n) {
    details.push_back(decision_detail(0, n));
    digests.push_back(hex_encode(sha256(details.back())));
  }
  const auto now = now_seconds();
  const auto start = Clock::now();
  for (int agent = 1; agent <= kAgents; ++agent) {
    for (int first = 1; first <= kEventsPerAgent; first += kBatch) {
      exec(db, "BEGIN IMMEDIATE");
      for (int n = first; n < first + kBatch; ++n) {
        const auto& detail = details[static_cast<std::size_t>(n - 1)];
        const auto& digest = digests[static_cast<std::size_t>(n - 1)];
        sqlite3_bind_int64(put, 1, agent);
        sqlite3_bind_int64(put, 2, n);
        sqlite3_bind_int64(put, 3, now);
        sqlite3_bind_text(put, 4, detail.data(), static_cast<int>(detail.size()), SQLITE_STATIC);
        sqlite3_bind_text(put, 5, digest.data(), static_cast<int>(digest.size()), SQLITE_STATIC);
        sqlite3_bind_int64(put, 6, now);
        if (sqlite3_step(put) != SQLITE_DONE) die("ceiling insert failed");
        sqlite3_reset(put);
      }
      exec(db, "COMMIT");
    }
  }
  const double seconds = seconds_since(start);
  sqlite3_finalize(put);
  sqlite3_close(db);
  return kAgents * kEventsPerAgent / seconds;
}

struct SimulatedAgent {
  agent::AgentState state;
  std::unique_ptr<agent::Outbox> outbox;
  std::unique_ptr<agent::PolicyKeeper> keeper;
  std::unique_ptr<agent::VaultLink> link;
};

}  // namespace

int main() {
  try {
    if (auto ready = init_crypto(); !ready) die(ready.error().describe());
    figure("load average (1 min) at start", load_average(), "", 2);
    VaultServer server("agent-events");
    TempDir home("agent-events");

    // Enrollment: one token for all, the agent's own enroll().
    std::string token;
    {
      auto admin = server.client(VaultServer::kAdmin, VaultServer::kAdminPassword);
      const boost::json::value ask(boost::json::object{
          {"department", VaultServer::kAdminDepartment}, {"ttl_seconds", 3600}, {"uses", kAgents}});
      auto made = admin.call("POST", "/api/v1/agents/tokens", &ask);
      if (!made) die("token: " + made.error().describe());
      token = std::string(made->at("token").as_string());
    }
    std::vector<SimulatedAgent> agents(kAgents);
    for (int i = 0; i < kAgents; ++i) {
      const auto dir = home.path() / ("ws-" + std::to_string(i));
      std::filesystem::create_directories(dir);
      std::ofstream(dir / "machine-id") << "bench-machine-" << i << "\n";
      auto state = agent::enroll({.server = server.url(), .fingerprint = server.fingerprint(),
                                  .token = Secret::from_string(token), .state_dir = dir / "state",
                                  .machine_id_file = dir / "machine-id"});
      if (!state) die("enroll: " + state.error().describe());
      auto& a = agents[static_cast<std::size_t>(i)];
      a.state = std::move(*state);
      prefill(dir / "state" / "outbox.db", i);
      auto outbox = agent::Outbox::open(dir / "state" / "outbox.db", std::int64_t{256} << 20);
      if (!outbox) die(outbox.error().describe());
      a.outbox = std::move(*outbox);
      a.keeper = std::make_unique<agent::PolicyKeeper>(a.state.policy_key, a.state.department,
                                                        dir / "state" / "policy.bundle", *a.outbox);
      agent::VaultLinkOptions options;
      options.heartbeat = std::chrono::seconds(3600);
      options.batch = kBatch;
      options.agent_version = "bench";
      a.link = std::make_unique<agent::VaultLink>(a.state, options, *a.outbox, *a.keeper);
    }
    const std::int64_t total = std::int64_t{kAgents} * kEventsPerAgent;

    const double vault_cpu_before = cpu_seconds(server.pid());
    rusage self_before{};
    ::getrusage(RUSAGE_SELF, &self_before);
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (auto& a : agents) threads.emplace_back([&a] { a.link->run(); });
    for (;;) {
      std::int64_t left = 0;
      for (const auto& a : agents) left += a.outbox->depth();
      if (left == 0) break;
      if (seconds_since(start) > 600) die("not drained within 10 minutes; " + std::to_string(left) + " left");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const double seconds = seconds_since(start);
    const double vault_cpu = cpu_seconds(server.pid()) - vault_cpu_before;
    rusage self_after{};
    ::getrusage(RUSAGE_SELF, &self_after);
    for (auto& a : agents) a.link->stop();
    for (auto& t : threads) t.join();
    auto cpu = [](const rusage& r) {
      return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
             static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
    };

    // The vault holds them all: its own count, through the API.
    {
      auto admin = server.client(VaultServer::kAdmin, VaultServer::kAdminPassword);
      auto list = admin.call("GET", "/api/v1/agents");
      if (!list) die("agent list: " + list.error().describe());
      std::int64_t stored = 0;
      for (const auto& a : list->at("agents").as_array()) stored += a.at("events").to_number<std::int64_t>();
      if (stored != total) die("the vault holds " + std::to_string(stored) + " events, not " + std::to_string(total));
    }
    const double rate = static_cast<double>(total) / seconds;
    figure("agents", kAgents, "");
    figure("events acknowledged (durable)", static_cast<double>(total), "");
    figure("events acknowledged per second", rate, "events/s");
    figure("vault CPU per 1,000 events", vault_cpu / static_cast<double>(total) * 1000 * 1000, "ms", 1);
    figure("agents' CPU per 1,000 events", (cpu(self_after) - cpu(self_before)) / static_cast<double>(total) * 1e6,
           "ms", 1);
    const double ceiling = sqlite_ceiling(home.path() / "ceiling.db");
    figure("ceiling: raw SQLite inserts, 1,000 per transaction", ceiling, "rows/s");
    figure("ratio acknowledged / ceiling", rate / ceiling, "", 3);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agent_events_bench: %s\n", e.what());
    return 1;
  }
}
