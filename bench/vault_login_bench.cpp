// Benchmark of logins (issue 2):
//   - Argon2id cost of one login, in-process: password::verify of a hash
//     made with the interactive cost (the vault's default), one core;
//   - the small-request rate the vault sustains while logins run: 16
//     keep-alive TLS connections sending the clerk's
//     GET /api/v1/documents/{id} (as in vault_requests_bench) for 8 s, first
//     alone, then while two more client threads log in back to back
//     (POST /api/v1/sessions, one keep-alive VaultClient each — as many as
//     the vault's default login_threads = 2). Both rates, the login rate and
//     the ratio. One figure per line.
#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <thread>

#include "custos/platform/password.hpp"
#include "vault_support.hpp"

namespace {

using namespace custos;
using namespace custos::bench;

constexpr unsigned kConnections = 16;
constexpr unsigned kLoginThreads = 2;
constexpr int kVerifies = 12;
constexpr auto kWindow = std::chrono::milliseconds(8'000);

}  // namespace

int main() {
  try {
    if (auto ready = init_crypto(); !ready) die(ready.error().describe());

    figure("load average (1 min) at start", load_average(), "", 2);
    // In-process Argon2id.
    const auto password = Secret::from_string("bench-clerk-password-1");
    auto hashed = password::hash(password, password::interactive());
    if (!hashed) die("cannot hash: " + hashed.error().describe());
    (void)password::verify(*hashed, password);  // first touch of 64 MiB
    double best = 1e9, total = 0;
    for (int i = 0; i < kVerifies; ++i) {
      const auto start = Clock::now();
      auto ok = password::verify(*hashed, password);
      const double seconds = seconds_since(start);
      if (!ok || !*ok) die("password::verify did not match");
      best = std::min(best, seconds);
      total += seconds;
    }
    figure("Argon2id verify, interactive cost (ops 2, 64 MiB), mean of 12", total / kVerifies * 1e3, "ms", 1);
    figure("Argon2id verify, interactive cost, fastest", best * 1e3, "ms", 1);
    figure("Argon2id logins per core-second", kVerifies / total, "logins/s", 1);

    VaultServer server("login");
    const auto scene = make_document_scene(server, 4);
    auto options = document_load(server, scene, kConnections);
    options.duration = std::chrono::milliseconds(1000);
    (void)run_load(options);  // warm-up

    options.duration = kWindow;
    const auto alone = run_load(options);
    if (alone.requests == 0) die("no document request succeeded");

    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> logins{0}, login_failures{0};
    const boost::json::value body(
        boost::json::object{{"user", DocumentScene::kClerk}, {"password", DocumentScene::kClerkPassword}});
    std::vector<vault::VaultClient> clients;  // outlives the threads that use it
    for (unsigned i = 0; i < kLoginThreads; ++i) clients.push_back(server.client());
    std::vector<std::thread> threads;
    // Whatever happens below, the login threads stop before `threads` dies.
    struct Joiner {
      std::atomic<bool>& stop;
      std::vector<std::thread>& threads;
      ~Joiner() {
        stop = true;
        for (auto& t : threads) if (t.joinable()) t.join();
      }
    } joiner{stop, threads};
    for (unsigned i = 0; i < kLoginThreads; ++i) {
      threads.emplace_back([&, i] {
        while (!stop.load()) {
          if (auto login = clients[i].call("POST", "/api/v1/sessions", &body); login) {
            logins.fetch_add(1);
          } else {
            login_failures.fetch_add(1);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // logins in full swing
    const auto logins_before = logins.load();
    const auto window_start = Clock::now();
    const auto during = run_load(options);
    const double window = seconds_since(window_start);
    const auto logins_during = logins.load() - logins_before;
    stop = true;
    for (auto& t : threads) t.join();

    figure("GET /api/v1/documents/{id}, 16 clients, no logins, rate", alone.rate(), "requests/s");
    figure("GET /api/v1/documents/{id}, 16 clients, no logins, p50 latency", alone.p50_ms, "ms", 2);
    figure("GET /api/v1/documents/{id}, 16 clients, no logins, p99 latency", alone.p99_ms, "ms", 2);
    figure("GET /api/v1/documents/{id}, 16 clients, while 2 threads log in, rate", during.rate(), "requests/s");
    figure("GET /api/v1/documents/{id}, 16 clients, while 2 threads log in, p50 latency", during.p50_ms, "ms", 2);
    figure("GET /api/v1/documents/{id}, 16 clients, while 2 threads log in, p99 latency", during.p99_ms, "ms", 2);
    figure("logins over HTTPS meanwhile", static_cast<double>(logins_during) / window, "logins/s", 1);
    figure("small-request rate with logins / without", during.rate() / alone.rate(), "", 2);
    if (login_failures.load() != 0) figure("failed logins", static_cast<double>(login_failures.load()), "logins");
    if (alone.failures + during.failures != 0) {
      figure("failed document requests", static_cast<double>(alone.failures + during.failures), "requests");
    }
    server.stop();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vault_login_bench: %s\n", e.what());
    return 1;
  }
}
