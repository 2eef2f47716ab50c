// Benchmark of encrypted uploads (issue 2): a 256 MiB file
//   - ceiling: raw crypto_secretstream_xchacha20poly1305 push of the same
//     256 MiB in 1 MiB chunks (libsodium alone, one core, same run);
//   - references: the same push plus SHA-256 of the ciphertext, which every
//     upload also computes; and push + SHA-256 + writing the ciphertext once
//     to a plain file with one fdatasync at the end — what this disk allows
//     an upload that writes each byte once and syncs once;
//   - (a) DocumentService: begin_upload, Upload::write in 256 KiB pieces,
//     finish, into a real SQLite store (WAL, synchronous=FULL) and its
//     ciphertext file (POSIX blob store) in a temporary folder: the row
//     commits after the file is flushed, as in the vault;
//   - (b) end to end: VaultClient::upload_stream over HTTPS on loopback to a
//     real `custos-vault serve`, as a project lead.
// Each level runs three times, as the ceiling does, and the fastest run
// counts (the first warms the page cache and the allocator). Goal: each
// level >= 50 % of the ceiling.
//
// CUSTOS_BENCH_UPLOADS=N measures (b) alone, N uploads to one vault, and
// prints each, their mean, and the machine's CPU use meanwhile (client,
// vault, kernel and anything else running): for comparing two builds run
// alternately (CUSTOS_VAULT_BIN picks the vault), where the best of 3 hides
// too much.
// One figure per line: "name: value unit". MB = 10^6 bytes.
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "custos/platform/hash.hpp"
#include "custos/vault/blob_store.hpp"
#include "custos/vault/directory_service.hpp"
#include "custos/vault/document_service.hpp"
#include "custos/vault/sqlite_store.hpp"
#include "vault_support.hpp"

namespace {

using namespace custos;
using namespace custos::bench;

constexpr std::size_t kChunk = 1 << 20;
constexpr std::uint64_t kTotal = 256ull << 20;
constexpr std::size_t kServerPiece = 256 * 1024;  // pieces handed to Upload::write
constexpr int kRuns = 3;

double mb_per_s(std::uint64_t bytes, double seconds) { return static_cast<double>(bytes) / seconds / 1e6; }

// Plaintext: one random MiB, repeated (content does not change cipher speed).
std::vector<std::uint8_t> make_plaintext() {
  std::vector<std::uint8_t> chunk(kChunk);
  randombytes_buf(chunk.data(), chunk.size());
  return chunk;
}

// `file`: also write the ciphertext there (one fdatasync at the end).
double raw_secretstream_seconds(const std::vector<std::uint8_t>& plain, bool with_sha256,
                                const std::filesystem::path& file = {}) {
  unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_keygen(key);
  crypto_secretstream_xchacha20poly1305_state state;
  std::vector<std::uint8_t> sealed(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES);
  const unsigned char ad[] = "custos-doc-v1|1|1|secret";
  Sha256 digest;
  const auto start = Clock::now();
  const int fd = file.empty() ? -1 : ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (!file.empty() && fd < 0) die("cannot create " + file.string());
  crypto_secretstream_xchacha20poly1305_init_push(&state, header, key);
  for (std::uint64_t done = 0; done < kTotal; done += kChunk) {
    const auto tag = done + kChunk == kTotal ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
    unsigned long long length = 0;
    crypto_secretstream_xchacha20poly1305_push(&state, sealed.data(), &length, plain.data(), kChunk, ad,
                                               sizeof ad - 1, tag);
    if (with_sha256) digest.update(std::span(sealed.data(), length));
    if (fd >= 0 && ::write(fd, sealed.data(), length) != static_cast<ssize_t>(length)) die("write failed");
  }
  if (fd >= 0 && (::fdatasync(fd) != 0 || ::close(fd) != 0)) die("fdatasync failed");
  const double seconds = seconds_since(start);
  if (with_sha256) (void)digest.finish();
  sodium_memzero(&state, sizeof state);
  sodium_memzero(key, sizeof key);
  return seconds;
}

// (a) DocumentService straight into SQLite.
double service_upload_seconds(const std::vector<std::uint8_t>& plain) {
  TempDir dir("upload-service");
  auto store = vault::open_sqlite_store(dir.path() / "vault.db", true);
  if (!store) die("cannot open the store: " + store.error().describe());
  vault::DirectAuditSink audit(**store);
  vault::AuthPolicy policy;
  policy.cost = password::minimum_for_tests_only();  // only to create the two accounts quickly
  vault::AuthService auth(**store, audit, policy);
  vault::DirectoryService directory(**store, audit, auth);
  const auto vault_key = Secret::random(32);
  auto blobs = vault::open_posix_blob_store(dir.path() / "blobs");
  if (!blobs) die("cannot open the blob store: " + blobs.error().describe());
  vault::DocumentService documents(**store, **blobs, audit, vault_key);
  const vault::Origin origin{"bench", "127.0.0.1", now_seconds(), ""};
  auto admin = directory.bootstrap_admin("admin", "claims", Secret::from_string("bench-admin-password-1"), origin);
  if (!admin) die("cannot create the admin: " + admin.error().describe());
  const vault::Principal admin_principal{admin->user, ""};
  auto lead = directory.create_user(admin_principal,
                                    vault::NewUser{"lead1", "lead1", "claims", vault::RoleSet{vault::Role::project_lead},
                                                   Secret::from_string("bench-lead-password-1")},
                                    origin);
  if (!lead) die("cannot create the project lead: " + lead.error().describe());
  const vault::Principal lead_principal{lead->user, ""};

  const auto start = Clock::now();
  auto upload = documents.begin_upload(
      lead_principal, vault::NewDocument{"bench 256 MiB", vault::Level::confidential, "", "bench.bin", "application/octet-stream"},
      origin);
  if (!upload) die("begin_upload failed: " + upload.error().describe());
  for (std::uint64_t done = 0; done < kTotal; done += kServerPiece) {
    const auto offset = static_cast<std::size_t>(done % kChunk);
    if (auto written = (*upload)->write(std::span(plain).subspan(offset, kServerPiece)); !written) {
      die("Upload::write failed: " + written.error().describe());
    }
  }
  auto finished = (*upload)->finish(origin);
  const double seconds = seconds_since(start);
  if (!finished) die("Upload::finish failed: " + finished.error().describe());
  if (finished->size != kTotal) die("the stored document has the wrong size");
  return seconds;
}

// (b) End to end over HTTPS.
double https_upload_seconds(vault::VaultClient& lead, const std::vector<std::uint8_t>& plain, int run) {
  std::uint64_t sent = 0;
  const auto start = Clock::now();
  auto answer = lead.upload_stream(
      "/api/v1/documents?title=bench-" + std::to_string(run) + "&level=confidential&filename=bench.bin", kTotal,
      "application/octet-stream", [&](std::span<std::uint8_t> out) -> std::size_t {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>({out.size(), kChunk, kTotal - sent}));
        std::memcpy(out.data(), plain.data(), n);
        sent += n;
        return n;
      });
  const double seconds = seconds_since(start);
  if (!answer) die("upload over HTTPS failed: " + answer.error().describe());
  if (answer->at("size").to_number<std::uint64_t>() != kTotal) die("the vault stored the wrong size");
  return seconds;
}

// `count` uploads (b) to a fresh vault as a project lead, logged in once:
// each one's seconds, and the machine's CPU time spent meanwhile.
struct HttpsRuns {
  std::vector<double> seconds;
  MachineCpu cpu;
};
HttpsRuns https_uploads(const std::vector<std::uint8_t>& plain, int count) {
  VaultServer server("upload");
  server.add_user("lead1", VaultServer::kAdminDepartment, "project_lead", "bench-lead-password-1");
  auto lead = server.client("lead1", "bench-lead-password-1");  // each upload opens its own connection
  HttpsRuns runs;
  const auto before = machine_cpu();
  for (int i = 0; i < count; ++i) runs.seconds.push_back(https_upload_seconds(lead, plain, i));
  const auto after = machine_cpu();
  runs.cpu = MachineCpu{after.busy - before.busy, after.other - before.other};
  return runs;
}

// CUSTOS_BENCH_UPLOADS=N: (b) alone, each of N uploads, their mean and the
// machine's CPU use meanwhile.
void uploads_alone(const std::vector<std::uint8_t>& plain, int uploads) {
  const auto runs = https_uploads(plain, uploads);
  double total = 0;
  for (std::size_t i = 0; i < runs.seconds.size(); ++i) {
    total += runs.seconds[i];
    figure("upload (b) " + std::to_string(i + 1), mb_per_s(kTotal, runs.seconds[i]), "MB/s");
  }
  const auto& cpu = runs.cpu;
  figure("upload (b) mean", mb_per_s(kTotal * static_cast<std::uint64_t>(uploads), total), "MB/s");
  figure("machine CPU per upload (all processes)", cpu.busy / uploads, "CPU-s", 2);
  figure("cores busy during the uploads", cpu.busy + cpu.other > 0 ? 100 * cpu.busy / (cpu.busy + cpu.other) : 0,
         "%", 1);
}

}  // namespace

int main() {
  try {
    if (auto ready = init_crypto(); !ready) die(ready.error().describe());
    figure("load average (1 min) at start", load_average(), "", 2);
    const auto plain = make_plaintext();
    if (const char* alone = std::getenv("CUSTOS_BENCH_UPLOADS"); alone != nullptr) {
      const int uploads = std::atoi(alone);
      if (uploads <= 0 || uploads > 1000) die("CUSTOS_BENCH_UPLOADS must be a number from 1 to 1000");
      uploads_alone(plain, uploads);
      return 0;
    }

    double ceiling = 1e9, with_hash = 1e9;
    for (int i = 0; i < 3; ++i) ceiling = std::min(ceiling, raw_secretstream_seconds(plain, false));
    for (int i = 0; i < 3; ++i) with_hash = std::min(with_hash, raw_secretstream_seconds(plain, true));
    const double ceiling_mb = mb_per_s(kTotal, ceiling);
    figure("upload ceiling (raw secretstream push, 256 MiB in 1 MiB chunks)", ceiling_mb, "MB/s");
    figure("upload reference (secretstream push + SHA-256 of the ciphertext)", mb_per_s(kTotal, with_hash), "MB/s");
    {
      TempDir dir("upload-file");
      double to_file = 1e9;
      for (int i = 0; i < kRuns; ++i) to_file = std::min(to_file, raw_secretstream_seconds(plain, true, dir.path() / "c"));
      figure("upload reference (push + SHA-256 + ciphertext written once to a file, one fdatasync)",
             mb_per_s(kTotal, to_file), "MB/s");
    }

    double service = 1e9;
    for (int i = 0; i < kRuns; ++i) service = std::min(service, service_upload_seconds(plain));
    figure("upload (a) DocumentService into SQLite + ciphertext file, 256 MiB", mb_per_s(kTotal, service), "MB/s");
    figure("upload (a) / ceiling", mb_per_s(kTotal, service) / ceiling_mb, "", 2);

    const auto runs = https_uploads(plain, kRuns);
    const double https = *std::min_element(runs.seconds.begin(), runs.seconds.end());
    figure("upload (b) end to end over HTTPS (VaultClient -> custos-vault), 256 MiB", mb_per_s(kTotal, https), "MB/s");
    figure("upload (b) / ceiling", mb_per_s(kTotal, https) / ceiling_mb, "", 2);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vault_upload_bench: %s\n", e.what());
    return 1;
  }
}
