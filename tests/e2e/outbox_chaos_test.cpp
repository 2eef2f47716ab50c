// The outbox under crashes: 50 simulated agents (tests/e2e/outbox_chaos_agent,
// ten processes of five, each agent with the daemon's real Outbox and
// VaultLink and its own credential from `custos-agent enroll`) send 100,000
// events to a real custos-vault over TLS on loopback, while the test kills
// -9 agent processes and the vault at random points and starts them again.
// Then, with every outbox drained:
//   - every event written to an outbox arrived: for each agent the vault
//     holds exactly sequences 1..N, where N is read from the outbox file's
//     own durable counter (and must be the N the agent was asked to write);
//   - every event the vault acknowledged is there exactly once: the rows,
//     the agent's event counter and the sum of "stored" over the vault's
//     audit records of accepted batches (written in the same transaction as
//     the rows they acknowledge) all agree, per agent and in total.
//
// Parameters (environment): CUSTOS_CHAOS_SEED fixes the kills' order, targets
// and pauses (the seed used is printed; the processes' own progress between
// kills still varies from run to run); CUSTOS_CHAOS_EVENTS the total number of events
// (default 100,000, in the sanitizer build too; a slower machine can lower
// it — the kills and the checks stay the same).
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr int kAgents = 50;
constexpr int kProcesses = 10;  // five agents each

std::int64_t env_number(const char* name, std::int64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::atoll(text) : fallback;
}

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The simulator sits beside this test program.
std::filesystem::path simulator() { return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "outbox_chaos_agent"; }

// Integer rows of one query on an SQLite file (read-only).
std::vector<std::vector<std::int64_t>> query(const std::filesystem::path& file, const std::string& sql,
                                             std::vector<std::string>* texts = nullptr) {
  sqlite3* db = nullptr;
  std::vector<std::vector<std::int64_t>> rows;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << file;
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::int64_t> row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        if (texts != nullptr && sqlite3_column_type(stmt, c) == SQLITE_TEXT) {
          texts->emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)));
        }
        row.push_back(sqlite3_column_int64(stmt, c));
      }
      rows.push_back(std::move(row));
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

struct Simulator {
  std::vector<std::string> argv;
  std::filesystem::path log;
  pid_t pid = -1;
  bool done = false;
  int starts = 0;
};

TEST(OutboxChaos, KilledAgentsAndVaultLoseNothingAndStoreNothingTwice) {
  const auto seed = static_cast<std::uint64_t>(env_number("CUSTOS_CHAOS_SEED", std::random_device{}()));
  const std::int64_t total = env_number("CUSTOS_CHAOS_EVENTS", 100000);
  const std::int64_t per_agent = total / kAgents;
  ASSERT_GT(per_agent, 0);
  std::printf("outbox chaos: seed %llu (CUSTOS_CHAOS_SEED), %lld events, %d agents in %d processes\n",
              static_cast<unsigned long long>(seed), static_cast<long long>(per_agent * kAgents), kAgents, kProcesses);
  std::fflush(stdout);
  std::mt19937_64 random(seed);

  VaultProcess vault{"chaos", "[agents]\nheartbeat_seconds = 5\n"};
  const auto home = make_temp_dir("chaos-agents");
  {
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    const json::value dept(json::object{{"name", "claims"}});
    ASSERT_TRUE(admin.call("POST", "/api/v1/departments", &dept));
  }
  // Enrollment through the real agent binary, one token for all.
  std::string token;
  {
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    const json::value ask(json::object{{"department", "claims"}, {"ttl_seconds", 600}, {"uses", kAgents}});
    auto made = admin.call("POST", "/api/v1/agents/tokens", &ask);
    ASSERT_TRUE(made) << made.error().describe();
    token = std::string(made->at("token").as_string());
  }
  std::map<std::string, std::filesystem::path> state_of;  // agent name -> state folder
  std::vector<std::filesystem::path> states;
  for (int i = 0; i < kAgents; ++i) {
    const auto dir = home / ("ws-" + std::to_string(i));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "machine-id") << "chaos-machine-" << i << "\n";
    std::ofstream(dir / "agent.toml") << "state_dir = \"" << (dir / "state").string() << "\"\n"
                                      << "machine_id_file = \"" << (dir / "machine-id").string() << "\"\n";
    auto enrolled = run_command({(bin_dir() / "custos-agent").string(), "enroll", "--server", vault.url(),
                                 "--fingerprint", vault.fingerprint(), "--token", token, "--config",
                                 (dir / "agent.toml").string()});
    ASSERT_EQ(enrolled.exit_code, 0) << enrolled.err;
    const auto name = enrolled.out.substr(12, enrolled.out.find(' ', 12) - 12);  // "enrolled as NAME (…"
    ASSERT_TRUE(name.starts_with("agent-")) << enrolled.out;
    state_of[name] = dir / "state";
    states.push_back(dir / "state");
  }
  ASSERT_EQ(state_of.size(), static_cast<std::size_t>(kAgents));

  // Writers pace themselves so that writing spans the kills: about 60 s at
  // full scale.
  const std::int64_t interval_ms = std::max<std::int64_t>(1, 60'000 / std::max<std::int64_t>(1, per_agent));
  std::vector<Simulator> sims(kProcesses);
  for (int p = 0; p < kProcesses; ++p) {
    sims[p].argv = {simulator().string(), "--events", std::to_string(per_agent), "--interval-ms",
                    std::to_string(interval_ms), "--max-backoff-ms", "1000"};
    for (int i = p; i < kAgents; i += kProcesses) sims[p].argv.push_back(states[i].string());
    sims[p].log = home / ("sim-" + std::to_string(p) + ".log");
  }
  auto start = [&](Simulator& s) {
    ++s.starts;
    s.pid = spawn_process(s.argv, {}, s.log.string() + ".out", s.log.string() + "." + std::to_string(s.starts));
  };
  for (auto& s : sims) start(s);

  // Reaps the simulators that ended; false when one failed on its own.
  auto reap = [&]() -> bool {
    for (auto& s : sims) {
      if (s.pid <= 0) continue;
      int status = 0;
      if (::waitpid(s.pid, &status, WNOHANG) != s.pid) continue;
      s.pid = -1;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        s.done = true;
      } else {
        ADD_FAILURE() << s.argv[7] << "…: simulator ended with status " << status << ": "
                      << slurp(s.log.string() + "." + std::to_string(s.starts));
        return false;
      }
    }
    return true;
  };
  auto all_done = [&] { return std::all_of(sims.begin(), sims.end(), [](const Simulator& s) { return s.done; }); };

  // The kills: every 0.3–2.5 s, kill -9 a running simulator (restarted at
  // once or up to 1 s later) or, one time in four, the vault (down for up to
  // 1.5 s). They go on while events are being written and sent.
  int agent_kills = 0, vault_kills = 0;
  const auto chaos_until = Clock::now() + std::chrono::seconds(75);
  std::uniform_int_distribution<int> gap_ms(300, 2500), down_ms(0, 1500), pick(0, kProcesses - 1), coin(0, 3);
  while (Clock::now() < chaos_until && !all_done()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms(random)));
    ASSERT_TRUE(reap());
    if (coin(random) == 0) {
      vault.kill_hard();
      ++vault_kills;
      std::this_thread::sleep_for(std::chrono::milliseconds(down_ms(random)));
      vault.restart(true);
    } else {
      auto& s = sims[static_cast<std::size_t>(pick(random))];
      if (s.pid <= 0) continue;
      ::kill(s.pid, SIGKILL);
      ::waitpid(s.pid, nullptr, 0);
      s.pid = -1;
      ++agent_kills;
      std::this_thread::sleep_for(std::chrono::milliseconds(down_ms(random) * 2 / 3));
      start(s);
    }
  }
  std::printf("outbox chaos: %d agent processes and the vault %d times killed -9\n", agent_kills, vault_kills);
  std::fflush(stdout);
  // The check must have had something to check: kills on both sides.
  EXPECT_GT(agent_kills, 0);
  EXPECT_GT(vault_kills, 0);

  // No more kills: everything drains.
  const auto drain_until = Clock::now() + std::chrono::seconds(300);
  while (!all_done() && Clock::now() < drain_until) {
    ASSERT_TRUE(reap());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(all_done()) << "outboxes not drained after 300 s; " << slurp(sims[0].log.string() + "." +
                                                                        std::to_string(sims[0].starts));
  // The vault takes SIGTERM cleanly once it serves (it may have been
  // restarted a moment ago): wait for an answer first.
  bool serving = false;
  for (int i = 0; i < 100 && !serving; ++i) {
    serving = static_cast<bool>(vault.client().call("GET", "/healthz"));
    if (!serving) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(serving);
  ASSERT_EQ(vault.terminate(), 0);

  // What the outboxes handed out: their durable counters, and nothing left.
  std::map<std::string, std::int64_t> written;
  std::int64_t written_total = 0;
  for (const auto& [name, dir] : state_of) {
    auto seq = query(dir / "outbox.db", "SELECT seq FROM sqlite_sequence WHERE name = 'events'");
    ASSERT_EQ(seq.size(), 1u) << name;
    written[name] = seq[0][0];
    written_total += seq[0][0];
    EXPECT_EQ(seq[0][0], per_agent) << name;
    EXPECT_EQ(query(dir / "outbox.db", "SELECT count(*) FROM events")[0][0], 0) << name;
  }
  EXPECT_EQ(written_total, per_agent * kAgents);

  // What the vault stored, from three sources.
  const auto db = vault.data_dir() / "vault.db";
  std::vector<std::string> names;
  const auto rows = query(db,
                          "SELECT a.name, count(e.seq), coalesce(min(e.seq), 0), coalesce(max(e.seq), 0), a.events,"
                          " a.last_event_seq FROM agents a LEFT JOIN agent_events e ON e.agent_id = a.id"
                          " GROUP BY a.id ORDER BY a.id",
                          &names);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kAgents));
  std::vector<std::string> audited_names;
  const auto audited = query(db,
                             "SELECT substr(target, 7), sum(json_extract(detail, '$.stored')), count(*)"
                             " FROM audit_events WHERE action = 'agent.events' AND outcome = 'allowed'"
                             " GROUP BY target",
                             &audited_names);
  std::map<std::string, std::int64_t> acknowledged;
  std::int64_t acknowledged_total = 0, batches = 0;
  for (std::size_t i = 0; i < audited.size(); ++i) {
    acknowledged[audited_names[i]] = audited[i][1];
    acknowledged_total += audited[i][1];
    batches += audited[i][2];
  }
  std::int64_t stored_total = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& name = names[i];
    const auto& r = rows[i];
    ASSERT_TRUE(written.contains(name)) << name;
    // Exactly 1..N: as many rows as the outbox handed out, the first 1 and
    // the last N (sequences are a primary key: none twice).
    EXPECT_EQ(r[1], written[name]) << name << " rows";
    EXPECT_EQ(r[2], 1) << name << " first sequence";
    EXPECT_EQ(r[3], written[name]) << name << " last sequence";
    EXPECT_EQ(r[4], written[name]) << name << " event counter";
    EXPECT_EQ(r[5], written[name]) << name << " last_event_seq";
    EXPECT_EQ(acknowledged[name], written[name]) << name << " stored per the audit records";
    stored_total += r[1];
  }
  EXPECT_EQ(stored_total, written_total);
  EXPECT_EQ(acknowledged_total, written_total);
  // The detail each row carries is the one its writer gave that sequence.
  EXPECT_EQ(query(db, "SELECT count(*) FROM agent_events e JOIN agents a ON a.id = e.agent_id"
                      " WHERE json_extract(e.detail, '$.n') != e.seq OR json_extract(e.detail, '$.agent') != a.name")[0][0],
            0);
  std::printf("outbox chaos: %lld events written, %lld stored once each, in %lld acknowledged batches\n",
              static_cast<long long>(written_total), static_cast<long long>(stored_total),
              static_cast<long long>(batches));
  std::filesystem::remove_all(home);
}

}  // namespace
}  // namespace custos::testing
