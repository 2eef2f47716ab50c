// Benchmark of small authenticated requests (issue 2): an information clerk's
// GET /api/v1/documents/{id} (session lookup, grant check, one audit record
// through the group-committing sink, synchronous=FULL) from 64 concurrent
// keep-alive TLS connections on loopback for 10 s, driven by one
// asynchronous client thread (bench/vault_support.cpp) against a real
// `custos-vault serve` with its default settings.
//   - requests/s, p50 and p99 latency (client side, send to full answer);
//   - ceiling, same run: as many GET /healthz (no session, no store, no
//     audit) over the same 64 connections; the ratio of the two rates;
//   - the audit sink's group commits during the measured run
//     (custos_audit_batches_total / custos_audit_records_total from /metrics)
//     and the average batch size.
// Goal: >= 5,000 requests/s on the 2-core test machine. One figure per line.
#include <cstdio>
#include <cstdlib>

#include "vault_support.hpp"

namespace {

using namespace custos;
using namespace custos::bench;

constexpr unsigned kConnections = 64;
constexpr unsigned kSessions = 8;  // the clerk's sessions, spread over the connections

void report(const std::string& what, const LoadResult& r) {
  figure(what + " rate", r.rate(), "requests/s");
  figure(what + " p50 latency", r.p50_ms, "ms", 2);
  figure(what + " p99 latency", r.p99_ms, "ms", 2);
  if (r.failures != 0) figure(what + " failures", static_cast<double>(r.failures), "requests");
}

}  // namespace

int main() {
  try {
    if (auto ready = init_crypto(); !ready) die(ready.error().describe());
    figure("load average (1 min) at start", load_average(), "", 2);
    // CUSTOS_BENCH_VAULT_TOML: a vault.toml to serve with (experiments); default settings otherwise.
    const char* toml = std::getenv("CUSTOS_BENCH_VAULT_TOML");
    VaultServer server("requests", toml != nullptr ? toml : "");
    const auto scene = make_document_scene(server, kSessions);

    auto options = document_load(server, scene, kConnections);
    // Warm-up (not reported): caches, allocator, the sink's thread.
    options.duration = std::chrono::milliseconds(1500);
    if (auto warm = run_load(options); warm.requests == 0) die("no document request succeeded during warm-up");

    const auto before = server.metrics();
    options.duration = std::chrono::milliseconds(10'000);
    const auto documents = run_load(options);
    const auto after = server.metrics();
    if (documents.requests == 0) die("no document request succeeded");

    LoadOptions health = options;
    health.target = "/healthz";
    health.tokens.clear();
    health.max_requests = documents.requests;
    health.duration = std::chrono::milliseconds(60'000);
    const auto healthz = run_load(health);

    report("GET /api/v1/documents/{id}, 64 keep-alive TLS clients, 10 s,", documents);
    report("ceiling GET /healthz, same request count, same 64 clients,", healthz);
    figure("document metadata / healthz", documents.rate() / healthz.rate(), "", 2);
    const double batches = VaultServer::metric(after, "custos_audit_batches_total") -
                           VaultServer::metric(before, "custos_audit_batches_total");
    const double records = VaultServer::metric(after, "custos_audit_records_total") -
                           VaultServer::metric(before, "custos_audit_records_total");
    figure("custos_audit_batches_total during the run", batches, "batches");
    figure("custos_audit_records_total during the run", records, "records");
    if (batches > 0) figure("average audit batch", records / batches, "records/commit", 1);
    server.stop();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vault_requests_bench: %s\n", e.what());
    return 1;
  }
}
