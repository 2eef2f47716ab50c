// Bad input gets a clear answer or a timeout, the server keeps serving
// everyone else, and nothing half-written stays in the store.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <boost/json.hpp>
#include <thread>

#include "custos/platform/timestamp.hpp"
#include "raw_tls.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;

// Short timeouts so silent clients are dropped within the test's patience.
constexpr const char* kFastTimeouts = R"toml(
[limits]
handshake_timeout_seconds = 2
idle_timeout_seconds = 3
request_timeout_seconds = 3
body_read_timeout_seconds = 3
)toml";

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    vault = new VaultProcess("badinput", kFastTimeouts);
    auto admin = vault->client("admin", VaultProcess::kAdminPassword);
    for (const char* d : {"claims", "sales"}) {
      const json::value body(json::object{{"name", d}});
      ASSERT_TRUE(admin.call("POST", "/api/v1/departments", &body));
    }
    for (auto [name, dept, role] : {std::tuple{"lead", "claims", "project_lead"}, std::tuple{"lead2", "sales", "project_lead"},
                                    std::tuple{"clerk", "claims", "info_clerk"}}) {
      const json::value body(json::object{{"name", name}, {"department", dept}, {"roles", json::array{role}},
                                          {"password", std::string(name) + "-password-1"}});
      ASSERT_TRUE(admin.call("POST", "/api/v1/users", &body));
    }
  }
  static void TearDownTestSuite() {
    delete vault;
    vault = nullptr;
  }

  static std::string token_of(const std::string& user) {
    auto client = vault->client();
    const json::value body(json::object{{"user", user}, {"password", user + "-password-1"}});
    auto login = client.call("POST", "/api/v1/sessions", &body);
    EXPECT_TRUE(login);
    return std::string(login->at("token").as_string());
  }

  static void expect_still_serving() {
    auto client = vault->client("clerk", "clerk-password-1");
    auto who = client.call("GET", "/api/v1/whoami");
    ASSERT_TRUE(who) << who.error().describe();
    EXPECT_EQ(who->at("name").as_string(), "clerk");
  }

  static std::int64_t count(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2((vault->data_dir() / "vault.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    std::int64_t value = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
  }

  // Sends an upload's head announcing `length` bytes, then only `sent` of them.
  static void send_partial_upload(RawTls& raw, const std::string& token, const std::string& title,
                                  std::size_t length, std::size_t sent) {
    ASSERT_TRUE(raw.send("POST /api/v1/documents?title=" + title + "&level=secret HTTP/1.1\r\nHost: x\r\n"
                         "Authorization: Bearer " + token + "\r\nContent-Type: application/octet-stream\r\n"
                         "Content-Length: " + std::to_string(length) + "\r\n\r\n"));
    ASSERT_TRUE(raw.send(std::string(sent, 'x')));
  }

  // No staged document is left, and no file in the blob folder (staging
  // ones included) but those of active documents.
  static bool nothing_staged(std::int64_t documents_before) {
    std::int64_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(vault->data_dir() / "blobs")) ++files;
    return count("SELECT count(*) FROM documents") == documents_before &&
           files == count("SELECT count(*) FROM documents WHERE state = 'active' AND ciphertext_in = 'blob'");
  }

  static VaultProcess* vault;
};
VaultProcess* BadInputTest::vault = nullptr;

TEST_F(BadInputTest, WrongPasswordAndUnknownUser) {
  auto client = vault->client();
  const json::value wrong(json::object{{"user", "clerk"}, {"password", "nope"}});
  EXPECT_EQ(client.call("POST", "/api/v1/sessions", &wrong).error().code, ErrorCode::unauthenticated);
  const json::value unknown(json::object{{"user", "ghost"}, {"password", "nope"}});
  EXPECT_EQ(client.call("POST", "/api/v1/sessions", &unknown).error().code, ErrorCode::unauthenticated);
  expect_still_serving();
}

TEST_F(BadInputTest, ForgedAndLoggedOutTokens) {
  auto forged = vault::VaultClient::create({vault->url(), vault->fingerprint(), Secret::from_string("cst_forged")});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->call("GET", "/api/v1/whoami").error().code, ErrorCode::unauthenticated);
  auto client = vault->client("clerk", "clerk-password-1");
  ASSERT_TRUE(client.call("DELETE", "/api/v1/sessions/current"));
  EXPECT_EQ(client.call("GET", "/api/v1/whoami").error().code, ErrorCode::unauthenticated);
}

TEST_F(BadInputTest, WrongFingerprintIsRefusedByTheClient) {
  auto client = vault::VaultClient::create({vault->url(), "SHA256:" + std::string(64, 'a'), Secret()});
  ASSERT_TRUE(client);
  EXPECT_EQ(client->call("GET", "/healthz").error().code, ErrorCode::crypto);
}

TEST_F(BadInputTest, GrantOnAnotherDepartmentsDocument) {
  auto lead = vault->client("lead", "lead-password-1");
  std::string content = "claims data";
  auto doc = lead.upload_stream("/api/v1/documents?title=claims&level=secret", content.size(), "text/plain",
                                [&](std::span<std::uint8_t> out) {
                                  const auto n = std::min(out.size(), content.size());
                                  std::copy_n(content.begin(), n, out.begin());
                                  content.erase(0, n);
                                  return n;
                                });
  ASSERT_TRUE(doc) << doc.error().describe();
  auto other = vault->client("lead2", "lead2-password-1");
  const json::value body(json::object{{"user", "clerk"}, {"until", format_rfc3339(now_seconds() + 3600)}});
  EXPECT_EQ(other.call("POST", "/api/v1/documents/" + std::to_string(doc->at("id").as_int64()) + "/grants", &body)
                .error().code, ErrorCode::permission_denied);
}

TEST_F(BadInputTest, MalformedJson) {
  const auto token = token_of("clerk");
  for (const std::string& body : std::vector<std::string>{"{not json", "[1,2,3]", "\"just a string\"", std::string(40, '[')}) {
    RawTls raw(vault->port());
    raw.send("POST /api/v1/departments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\nConnection: close\r\n\r\n" + body);
    const auto answer = raw.read_all(5);
    // A clerk may not create departments either; the body is checked after the role.
    const int status = RawTls::status_of(answer);
    EXPECT_TRUE(status == 400 || status == 403) << answer;
  }
  RawTls raw(vault->port());
  const std::string body = "{\"user\": ";
  raw.send("POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body);
  const auto answer = raw.read_all(5);
  EXPECT_EQ(RawTls::status_of(answer), 400) << answer;
  EXPECT_NE(answer.find("\"code\":\"invalid_argument\""), std::string::npos);
  expect_still_serving();
}

TEST_F(BadInputTest, TenMegabyteHeader) {
  RawTls raw(vault->port());
  raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(10 << 20, 'a') + "\r\n\r\n");
  const auto answer = raw.read_all(5);
  EXPECT_EQ(RawTls::status_of(answer), 413) << answer.substr(0, 200);
  expect_still_serving();
}

TEST_F(BadInputTest, OversizedJsonBody) {
  RawTls raw(vault->port());
  raw.send("POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n");
  EXPECT_EQ(RawTls::status_of(raw.read_all(5)), 413);
  expect_still_serving();
}

TEST_F(BadInputTest, MalformedHttp) {
  RawTls raw(vault->port());
  raw.send("HELLO THERE\r\n\r\n");
  EXPECT_EQ(RawTls::status_of(raw.read_all(5)), 400);
  expect_still_serving();
}

TEST_F(BadInputTest, PathsAreUtf8TextOnceDecoded) {
  // Names in paths reach answers and the audit log: raw bytes that are no
  // UTF-8, or an encoded control character, are a 400 whose body is JSON
  // (refused with the head, before the session is looked at).
  const auto token = token_of("lead");
  for (const char* path : {"/api/v1/agents/agent-\xff\xfe", "/api/v1/users/a%1B%5B2J/disable"}) {
    RawTls raw(vault->port());
    raw.send(std::string("POST ") + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
             "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    const auto answer = raw.read_all(5);
    EXPECT_EQ(RawTls::status_of(answer), 400) << answer;
    const auto body = answer.substr(answer.find("\r\n\r\n") + 4);
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(body, ec);
    ASSERT_FALSE(ec) << body;
    EXPECT_EQ(parsed.at("error").at("code"), "invalid_argument");
  }
  // A percent-encoded path is decoded before routing: /api/v1/%77hoami is /api/v1/whoami.
  RawTls raw(vault->port());
  raw.send("GET /api/v1/%77hoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
           "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(RawTls::status_of(raw.read_all(5)), 200);
  expect_still_serving();
}

TEST_F(BadInputTest, SilentClientsAreDropped) {
  RawTls no_handshake(vault->port(), false);
  RawTls no_request(vault->port(), true);
  expect_still_serving();
  EXPECT_TRUE(no_handshake.closed_by_peer(8)) << "a connection that never says hello is closed";
  EXPECT_TRUE(no_request.closed_by_peer(8)) << "a connection that never sends a request is closed";
}

// Its own vault with the default timeouts: opening a thousand connections
// can take longer than the suite's short ones in a sanitizer build.
TEST(VaultConnections, ThousandIdleConnections) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  VaultProcess vault("idle");
  std::vector<std::unique_ptr<RawTls>> idle;
  for (int i = 0; i < 1000; ++i) idle.push_back(std::make_unique<RawTls>(vault.port(), i % 10 == 0));
  const auto started = std::chrono::steady_clock::now();
  auto admin = vault.client("admin", VaultProcess::kAdminPassword);
  ASSERT_TRUE(admin.call("GET", "/api/v1/whoami"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10))
      << "idle connections do not starve a real client";
  // Connections the kernel completed may still wait in the accept queue (a
  // sanitizer build accepts slowly): poll /metrics, raw, until all are in.
  const std::string metric = "\ncustos_http_connections_active ";
  int active = 0;
  for (int i = 0; i < 100 && active < 1000; ++i) {
    RawTls raw(vault.port());
    raw.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto text = raw.read_all(5);
    const auto at = text.find(metric);
    ASSERT_NE(at, std::string::npos) << text;
    active = std::stoi(text.substr(at + metric.size()));
    if (active < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_GE(active, 1000) << "the vault holds every idle connection open";
  ASSERT_TRUE(admin.call("GET", "/api/v1/whoami")) << "and still serves";
}

TEST_F(BadInputTest, UploadCutOffMidStreamLeavesNothing) {
  const auto token = token_of("lead");
  const auto documents_before = count("SELECT count(*) FROM documents");
  {
    RawTls raw(vault->port());
    ASSERT_NO_FATAL_FAILURE(send_partial_upload(raw, token, "cut", 10'000'000, 3 << 20));
  }  // the connection drops with 7 MB still owed
  bool clean = false;
  for (int i = 0; i < 100 && !clean; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    clean = nothing_staged(documents_before);
  }
  EXPECT_TRUE(clean) << "the staged document and its staging blob are removed";
  EXPECT_GE(count("SELECT count(*) FROM audit_events WHERE action = 'document.upload' AND outcome = 'refused' "
                  "AND reason = 'unavailable'"), 1);
  expect_still_serving();
}

TEST_F(BadInputTest, AnUploadThatStallsIsCutOffAndLeavesNothing) {
  const auto token = token_of("lead");
  const auto documents_before = count("SELECT count(*) FROM documents");
  RawTls raw(vault->port());
  ASSERT_NO_FATAL_FAILURE(send_partial_upload(raw, token, "stalled", 5'000'000, 2 << 20));
  // The connection stays open and silent: the body-read timeout (3 s) ends it.
  const auto answer = raw.read_all(10);
  EXPECT_EQ(RawTls::status_of(answer), 408) << answer;
  EXPECT_NE(answer.find("\"timeout\""), std::string::npos) << answer;
  EXPECT_TRUE(nothing_staged(documents_before));
  EXPECT_GE(count("SELECT count(*) FROM audit_events WHERE action = 'document.upload' AND outcome = 'refused' "
                  "AND reason = 'timeout'"), 1);
  expect_still_serving();
}

TEST_F(BadInputTest, AChunkedUploadIsStoredLikeAnyOther) {
  const auto token = token_of("lead");
  RawTls raw(vault->port());
  const std::string part(300000, 'c');
  std::string request = "POST /api/v1/documents?title=chunked&level=secret HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        token + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "493e0\r\n" + part + "\r\n";  // 0x493e0 = 300000
  request += "0\r\n\r\n";
  ASSERT_TRUE(raw.send(request));
  const auto answer = raw.read_all(10);
  ASSERT_EQ(RawTls::status_of(answer), 201) << answer;
  EXPECT_NE(answer.find("\"size\":1500000"), std::string::npos) << answer;
}

// The vault reads an upload's body with OpenSSL straight from the socket,
// around Asio's TLS stream (tls::DirectSocket in read_body_blocking). Here the
// head comes in two records, the first of them cut in half on the wire, so
// that when the body begins Asio has already passed the body's first records
// to OpenSSL (12 KiB of them wait in its BIO pair); a request follows the
// body in its last TLS record. Every byte must
// be read once, in order: a byte lost or read twice would fail TLS's record
// check, and the request after the body would go unanswered.
TEST_F(BadInputTest, AnUploadWhoseHeadArrivesInPiecesIsReadWholeAndTheConnectionGoesOn) {
  const auto token = token_of("lead");
  constexpr std::size_t kBody = (3u << 20) + 12345;
  std::string body(kBody, '\0');
  for (std::size_t i = 0; i < kBody; ++i) body[i] = static_cast<char>('a' + (i * 7 + i / 4099) % 26);
  const std::string head = "POST /api/v1/documents?title=pieces&level=secret HTTP/1.1\r\nHost: x\r\n"
                           "Authorization: Bearer " + token + "\r\nX-Padding: " + std::string(6000, 'p') +
                           "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(kBody) +
                           "\r\n\r\n";
  RawTls raw(vault->port());
  const auto first = raw.seal(head.substr(0, head.size() / 2));
  const auto second = raw.seal(head.substr(head.size() / 2));
  // The next request shares the body's last record: OpenSSL keeps it for Asio.
  const auto body_and_next = raw.seal(body + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_FALSE(first.empty() || second.empty() || body_and_next.empty());
  ASSERT_TRUE(raw.send_raw(first.substr(0, first.size() / 2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the vault reads the half record alone
  ASSERT_TRUE(raw.send_raw(first.substr(first.size() / 2) + second + body_and_next));
  const auto answer = raw.read_all(20);
  ASSERT_EQ(RawTls::status_of(answer), 201) << answer.substr(0, 400);
  EXPECT_NE(answer.find("\"size\":" + std::to_string(kBody)), std::string::npos) << answer.substr(0, 400);
  const auto second_answer = answer.find("HTTP/1.1 ", 9);
  ASSERT_NE(second_answer, std::string::npos) << "the request after the body is answered: " << answer.substr(0, 600);
  EXPECT_EQ(RawTls::status_of(answer.substr(second_answer)), 200) << answer.substr(second_answer, 200);
}

// While a worker reads an upload's body, the connection's socket is out of
// Asio's reactor (OutOfReactor in http_server.cpp) and goes back in after.
// A request that arrives on the same connection only after the upload was
// answered must be read by Asio again: were the socket not back, it would
// go unanswered; were it lost, the connection would close.
TEST_F(BadInputTest, AConnectionServesTheNextRequestAfterAnUploadsAnswer) {
  const auto token = token_of("lead");
  constexpr std::size_t kBody = (2u << 20) + 777;
  const std::string head = "POST /api/v1/documents?title=then-more&level=secret HTTP/1.1\r\nHost: x\r\n"
                           "Authorization: Bearer " + token +
                           "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(kBody) +
                           "\r\n\r\n";
  RawTls raw(vault->port());
  ASSERT_TRUE(raw.send(head + std::string(kBody, 'z')));
  const auto stored = raw.read_response(20);
  ASSERT_EQ(RawTls::status_of(stored), 201) << stored.substr(0, 400);
  EXPECT_NE(stored.find("\"size\":" + std::to_string(kBody)), std::string::npos) << stored.substr(0, 400);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the vault waits for the next head
  ASSERT_TRUE(raw.send("GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n"));
  const auto next = raw.read_response(10);
  ASSERT_EQ(RawTls::status_of(next), 200) << next.substr(0, 400);
  EXPECT_NE(next.find("\"lead\""), std::string::npos) << next.substr(0, 400);
}

// A project lead "lead" (password "lead-password-1") in the department every
// vault starts with.
bool add_project_lead(VaultProcess& vault) {
  auto admin = vault.client("admin", VaultProcess::kAdminPassword);
  const json::value lead(json::object{{"name", "lead"}, {"department", "quality-management"},
                                      {"roles", json::array{"project_lead"}}, {"password", "lead-password-1"}});
  return admin.call("POST", "/api/v1/users", &lead).has_value();
}

// The vault refuses an upload larger than it accepts as soon as it has read
// the head, answers and closes, while the client is still sending the body
// (straight onto the socket, see tls::DirectSocket). The client must come back
// with the vault's answer or a connection error, stop sending, and work on.
TEST(VaultUploadRefusal, ARefusalWhileTheBodyIsStillSentIsAnErrorNotADeadClient) {
  VaultProcess vault("too-large", "[limits]\nmax_upload_bytes = 1048576\n");
  ASSERT_TRUE(add_project_lead(vault));
  auto client = vault.client("lead", "lead-password-1");
  constexpr std::uint64_t kSize = 256ull << 20;
  std::uint64_t produced = 0;
  auto result = client.upload_stream("/api/v1/documents?title=too-large&level=secret", kSize,
                                     "application/octet-stream", [&](std::span<std::uint8_t> out) -> std::size_t {
                                       const auto n = std::min<std::uint64_t>(out.size(), kSize - produced);
                                       std::fill_n(out.begin(), n, std::uint8_t{0x5a});
                                       produced += n;
                                       return n;
                                     });
  ASSERT_FALSE(result) << "a 256 MiB upload to a vault that takes 1 MiB";
  EXPECT_TRUE(result.error().code == ErrorCode::too_large || result.error().code == ErrorCode::unavailable)
      << result.error().describe();
  EXPECT_LT(produced, kSize) << "the client stopped sending once the vault had closed";
  EXPECT_TRUE(client.call("GET", "/api/v1/whoami")) << "the client goes on on a new connection";
}

TEST(VaultShutdown, SigtermLetsTheInFlightUploadFinish) {
  VaultProcess vault("sigterm");
  ASSERT_TRUE(add_project_lead(vault));
  auto client = vault.client("lead", "lead-password-1");
  constexpr std::uint64_t kSize = 64ull << 20;
  std::uint64_t produced = 0;
  bool signalled = false;
  auto result = client.upload_stream("/api/v1/documents?title=big&level=secret", kSize, "application/octet-stream",
                                     [&](std::span<std::uint8_t> out) -> std::size_t {
                                       if (produced >= kSize) return 0;
                                       if (!signalled && produced >= kSize / 4) {
                                         ::kill(vault.pid(), SIGTERM);
                                         signalled = true;
                                       }
                                       const auto n = std::min<std::uint64_t>(out.size(), kSize - produced);
                                       std::fill_n(out.begin(), n, static_cast<std::uint8_t>(produced >> 20));
                                       produced += n;
                                       return n;
                                     });
  ASSERT_TRUE(signalled);
  ASSERT_TRUE(result) << "the in-flight upload completes: " << result.error().describe();
  EXPECT_EQ(result->at("size").as_int64(), static_cast<std::int64_t>(kSize));
  EXPECT_EQ(vault.terminate(30), 0) << "the vault exits cleanly after finishing";
}

}  // namespace
}  // namespace custos::testing
