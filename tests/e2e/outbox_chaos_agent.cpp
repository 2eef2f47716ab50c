// outbox_chaos_agent: one process running several simulated workstation
// agents for outbox_chaos_test. Each agent is a state folder made by
// `custos-agent enroll`; the process gives each the daemon's own parts — a
// real Outbox in <folder>/outbox.db and a real VaultLink shipping it — and a
// writer thread that appends events until the outbox has handed out
// `--events` sequences. Killed with SIGKILL at any moment and started again,
// it resumes where the outbox's own durable counter (sqlite_sequence, which
// AUTOINCREMENT never reuses) says it stopped, so the events written are
// exactly sequences 1..N, whatever the kills. It exits 0 once every agent
// has written its N events and its outbox is empty (everything acknowledged).
//
// usage: outbox_chaos_agent --events N --interval-ms MS --max-backoff-ms MS STATE_DIR...
// Exit codes: 0 drained, 2 bad usage, 3 an invariant broke (printed).
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/outbox.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/agent/vault_link.hpp"
#include "custos/platform/secret.hpp"

namespace {

using namespace custos;
using namespace custos::agent;

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "outbox_chaos_agent: %s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(3);
}

// The highest sequence the outbox ever handed out (0 for a new one).
std::int64_t sequences_written(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return 0;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    broken("cannot open " + file.string());
  }
  sqlite3_busy_timeout(db, 5000);
  std::int64_t seq = 0;
  sqlite3_stmt* stmt = nullptr;
  // A new outbox may have no sqlite_sequence yet (no insert so far).
  if (sqlite3_prepare_v2(db, "SELECT seq FROM sqlite_sequence WHERE name = 'events'", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    seq = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return seq;
}

struct SimulatedAgent {
  std::filesystem::path dir;
  AgentState state;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<PolicyKeeper> keeper;
  std::unique_ptr<VaultLink> link;
  std::int64_t written = 0;
};

}  // namespace

int main(int argc, char** argv) try {
  std::int64_t events = 0, interval_ms = 0, max_backoff_ms = 1000;
  std::vector<std::filesystem::path> dirs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::int64_t {
      if (i + 1 >= argc) std::exit(2);
      return std::atoll(argv[++i]);
    };
    if (arg == "--events") {
      events = value();
    } else if (arg == "--interval-ms") {
      interval_ms = value();
    } else if (arg == "--max-backoff-ms") {
      max_backoff_ms = value();
    } else {
      dirs.emplace_back(arg);
    }
  }
  if (events <= 0 || dirs.empty()) {
    std::fprintf(stderr, "usage: outbox_chaos_agent --events N --interval-ms MS --max-backoff-ms MS STATE_DIR...\n");
    return 2;
  }
  if (!init_crypto()) broken("no libsodium");
  spdlog::set_pattern("%H:%M:%S.%e %l: %v");

  std::vector<SimulatedAgent> agents(dirs.size());
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    auto& a = agents[i];
    a.dir = dirs[i];
    auto state = load_state(a.dir);
    if (!state) broken(a.dir.string() + ": " + state.error().describe());
    a.state = std::move(*state);
    a.written = sequences_written(a.dir / "outbox.db");
    auto outbox = Outbox::open(a.dir / "outbox.db", std::int64_t{1} << 40);  // never sheds
    if (!outbox) broken(outbox.error().describe());
    a.outbox = std::move(*outbox);
    a.keeper = std::make_unique<PolicyKeeper>(a.state.policy_key, a.state.department, a.dir / "policy.bundle",
                                              *a.outbox);
    VaultLinkOptions options;
    options.max_backoff = std::chrono::seconds(std::max<std::int64_t>(1, max_backoff_ms / 1000));
    options.heartbeat = std::chrono::seconds(5);
    options.agent_version = "chaos";
    a.link = std::make_unique<VaultLink>(a.state, options, *a.outbox, *a.keeper);
  }

  std::vector<std::thread> threads;
  for (auto& a : agents) {
    threads.emplace_back([&a] { a.link->run(); });
    threads.emplace_back([&a, events, interval_ms] {
      std::mt19937_64 random(std::random_device{}());
      std::uniform_int_distribution<std::int64_t> pause(0, 2 * interval_ms);
      for (std::int64_t n = a.written + 1; n <= events; ++n) {
        const std::string detail = "{\"agent\":\"" + a.state.agent_name + "\",\"n\":" + std::to_string(n) + "}";
        auto seq = a.outbox->append("test.chaos", Severity::info, detail, now_seconds());
        if (!seq) broken(a.state.agent_name + ": append: " + seq.error().describe());
        // The outbox's sequence is the writer's count: nothing else writes
        // here, nothing is shed.
        if (*seq != n) broken(a.state.agent_name + ": wrote event " + std::to_string(n) + " as sequence " +
                              std::to_string(*seq));
        if (interval_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause(random)));
      }
    });
  }
  // Drained: every writer done (the count durable) and every outbox empty.
  for (;;) {
    bool drained = true;
    for (auto& a : agents) {
      if (sequences_written(a.dir / "outbox.db") < events || a.outbox->depth() != 0) drained = false;
    }
    if (drained) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (auto& a : agents) a.link->stop();
  for (auto& t : threads) t.join();
  std::printf("drained\n");
  return 0;
} catch (const std::exception& e) {
  broken(std::string("internal error: ") + e.what());
}
