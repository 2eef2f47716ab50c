// Controlled printing end to end: a real vault, a real custos-agent, a real
// CUPS scheduler on a private socket with a capture queue, and the real
// custos command. The queue receives exactly the stamped PDF: every page
// keeps its text and gains 受控文件, the approval number and n/m; the QR
// code decodes to a code `custos print trace` resolves. Refusals: no
// approval, the requester approving their own request, a forbidden level,
// a second run, a run after the period; a corrupt PDF and CUPS down print
// nothing and leave the approval unused.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <thread>

#include "cups_harness.hpp"
#include "custos/agent/local_api.hpp"
#include "custos/platform/timestamp.hpp"
#include "print_test_support.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;

std::string password_of(const std::string& name) { return name + "-password-1"; }

// The sample PDFs' font caches go after the last test (LeakSanitizer).
struct SampleFonts : ::testing::Environment {
  void TearDown() override { print::testing::release_sample_fonts(); }
};
[[maybe_unused]] const auto* const kSampleFonts = ::testing::AddGlobalTestEnvironment(new SampleFonts);

class PrintE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(vault.login("it", "admin", VaultProcess::kAdminPassword).exit_code, 0);
    ASSERT_EQ(vault.custos("it", {"dept", "add", "claims"}).exit_code, 0);
    for (const auto& [name, roles] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"lead", {"project_lead"}}, {"clerk", {"info_clerk"}}, {"manager", {"dept_manager"}},
             {"both", {"dept_manager", "info_clerk"}}, {"aud", {"auditor"}}}) {
      std::vector<std::string> args{"user", "add", name, "--department", "claims", "--display-name",
                                    name == "clerk" ? "张三" : name, "--password"};
      for (const auto& role : roles) {
        args.push_back("--role");
        args.push_back(role);
      }
      auto made = vault.custos("it", args, {{"CUSTOS_NEW_PASSWORD", password_of(name)}});
      ASSERT_EQ(made.exit_code, 0) << made.err;
      ASSERT_EQ(vault.login(name, name, password_of(name)).exit_code, 0);
    }
    // The workstation: enrolled for claims, device control off, CUPS private.
    const auto home = vault.dir() / "ws";
    std::filesystem::create_directories(home);
    std::ofstream(home / "machine-id") << "0123456789abcdef0123456789abcdef\n";
    socket = home / "agent.sock";
    config = home / "agent.toml";
    std::ofstream(config) << "state_dir = \"" << (home / "state").string() << "\"\nsocket = \"" << socket.string()
                          << "\"\nmachine_id_file = \"" << (home / "machine-id").string()
                          << "\"\ndevice_control = false\nuevents = false\nheartbeat_seconds = 5\n";
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    const json::value ask(json::object{{"department", "claims"}, {"ttl_seconds", 600}});
    auto token = admin.call("POST", "/api/v1/agents/tokens", &ask);
    ASSERT_TRUE(token) << token.error().describe();
    auto enrolled = run_command({(bin_dir() / "custos-agent").string(), "enroll", "--server", vault.url(),
                                 "--fingerprint", vault.fingerprint(), "--token",
                                 std::string(token->at("token").as_string()), "--config", config.string()});
    ASSERT_EQ(enrolled.exit_code, 0) << enrolled.err;
    agent = spawn_process({(bin_dir() / "custos-agent").string(), "run", "--config", config.string()},
                          {{"CUPS_SERVER", cups.socket().string()}}, home / "agent.out", home / "agent.err");
    for (int i = 0; i < 100 && !std::filesystem::exists(socket); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(std::filesystem::exists(socket)) << "the agent did not start";
  }

  void TearDown() override {
    if (agent > 0) {
      ::kill(agent, SIGTERM);
      int status = 0;
      ::waitpid(agent, &status, 0);
    }
    if (HasFailure()) {
      std::ifstream log(vault.dir() / "ws" / "agent.err");
      std::cerr << "agent log:\n" << std::string(std::istreambuf_iterator<char>(log), {}) << "\n";
    }
  }

  CommandResult as(const std::string& who, const std::vector<std::string>& args) { return vault.custos(who, args); }

  // Uploads `bytes` as `filename` and grants the clerk and "both" a week.
  std::string upload(const std::string& filename, const Bytes& bytes, const std::string& level = "confidential") {
    const auto file = vault.dir() / filename;
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    auto uploaded = as("lead", {"doc", "upload", file.string(), "--title", "保单 " + filename, "--level", level});
    EXPECT_EQ(uploaded.exit_code, 0) << uploaded.err;
    std::filesystem::remove(file);
    const std::string prefix = "uploaded document ";
    const auto start = uploaded.out.find(prefix) + prefix.size();
    const auto id = uploaded.out.substr(start, uploaded.out.find(' ', start) - start);
    for (const char* who : {"clerk", "both"}) {
      EXPECT_EQ(as("lead", {"doc", "grant", id, "--to", who, "--until", format_rfc3339(now_seconds() + 7 * 86400)})
                    .exit_code, 0);
    }
    return id;
  }

  // A print request of `who` for `copies` copies of `doc`; its id.
  std::string ask(const std::string& doc, const std::string& who = "clerk", int copies = 2) {
    auto made = as(who, {"print", "request", doc, "--copies", std::to_string(copies), "--reason", "客户回访",
                         "--format", "json"});
    EXPECT_EQ(made.exit_code, 0) << made.err;
    return made.exit_code == 0 ? std::to_string(json::parse(made.out).at("id").as_int64()) : "0";
  }

  void approve(const std::string& request, const std::string& until = "") {
    auto approved = as("manager", {"print", "approve", request, "--from", format_rfc3339(now_seconds() - 60),
                                   "--until", until.empty() ? format_rfc3339(now_seconds() + 86400) : until});
    ASSERT_EQ(approved.exit_code, 0) << approved.err;
  }

  // Asks the agent to print `request` with the clerk's session, as `custos
  // print run` does; the agent's answer.
  json::object run(const std::string& request, const std::string& who = "clerk") {
    const json::value login(json::object{{"user", who}, {"password", password_of(who)}});
    auto session = vault.client().call("POST", "/api/v1/sessions", &login);
    EXPECT_TRUE(session) << session.error().describe();
    const json::value line(json::object{{"command", "print"}, {"request", std::stoll(request)},
                                        {"token", session->at("token")}});
    auto answer = agent::local_request(socket, json::serialize(line), std::chrono::seconds(120));
    EXPECT_TRUE(answer) << answer.error().describe();
    return answer ? json::parse(*answer).as_object() : json::object{};
  }

  static std::string code_of(const json::object& answer) {
    const auto* error = answer.if_contains("error");
    return error == nullptr ? "ok" : std::string(error->at("code").as_string());
  }

  std::string state_of(const std::string& request) {
    auto shown = as("manager", {"print", "show", request, "--format", "json"});
    return shown.exit_code == 0 ? std::string(json::parse(shown.out).at("state").as_string()) : "?";
  }

  std::size_t captured_jobs() const {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(cups.capture_dir())) {
      if (entry.path().extension() == ".pdf") ++count;
    }
    return count;
  }

  CupsServer cups;
  VaultProcess vault{"print"};
  std::filesystem::path socket, config;
  pid_t agent = -1;
};

TEST_F(PrintE2e, ApprovedPrintIsStampedOnEveryPageAndTraceable) {
  const auto original = print::testing::sample_pdf(3);
  const auto doc = upload("清单.pdf", original);
  const auto request = ask(doc);
  EXPECT_EQ(code_of(run(request)), "permission_denied") << "not approved yet";
  approve(request);

  auto printed = as("clerk", {"print", "run", request, "--socket", socket.string(), "--format", "json"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto answer = json::parse(printed.out);
  const auto job = answer.at("job_id").as_int64();
  EXPECT_EQ(answer.at("pages").as_int64(), 3);
  EXPECT_EQ(answer.at("printer").as_string(), "capture");

  // The capture queue got the stamped PDF, byte for byte as the agent sent it.
  const auto file = cups.capture_dir() / ("job-" + std::to_string(job) + ".pdf");
  ASSERT_TRUE(std::filesystem::exists(file));
  std::ifstream in(file, std::ios::binary);
  const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  print::testing::PdfProbe probe(bytes);
  ASSERT_EQ(probe.pages(), 3) << "the page count is unchanged";
  std::string code;
  for (int page = 1; page <= 3; ++page) {
    const auto text = probe.text(page);
    EXPECT_NE(text.find("受控文件"), std::string::npos) << text;
    EXPECT_NE(text.find("PR-" + request), std::string::npos) << text;
    EXPECT_NE(text.find(std::to_string(page) + "/3"), std::string::npos) << text;
    EXPECT_NE(text.find("张三"), std::string::npos) << "the receiver: " << text;
    EXPECT_NE(text.find("original text of page " + std::to_string(page)), std::string::npos) << text;
    const auto qr = probe.qr(page);
    EXPECT_TRUE(qr.starts_with("CUSTOS-PRINT/1/" + request + "/")) << qr;
    code = qr;
  }
  std::ifstream copies(cups.capture_dir() / ("job-" + std::to_string(job) + ".copies"));
  int copies_asked = 0;
  copies >> copies_asked;
  EXPECT_EQ(copies_asked, 2);

  // The code leads back to the record, checked offline and on the vault.
  const auto pubkey = (vault.data_dir() / "keys" / "signing.pub").string();
  auto traced = as("aud", {"print", "trace", code, "--pubkey", pubkey, "--format", "json"});
  ASSERT_EQ(traced.exit_code, 0) << traced.err;
  const auto record = json::parse(traced.out);
  EXPECT_EQ(record.at("requested_by").as_string(), "clerk");
  EXPECT_EQ(record.at("decided_by").as_string(), "manager");
  EXPECT_EQ(record.at("job_id").as_int64(), job);
  EXPECT_EQ(record.at("state").as_string(), "printed");
  auto forged = code;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(as("aud", {"print", "trace", forged, "--pubkey", pubkey}).exit_code, 1);

  // Once only.
  EXPECT_EQ(code_of(run(request)), "conflict") << "a second run";
  EXPECT_EQ(captured_jobs(), 1u);

  // The receiver signs; the copies come back or are shredded.
  EXPECT_EQ(as("manager", {"print", "receive", request}).exit_code, 1) << "only the receiver signs";
  EXPECT_EQ(as("clerk", {"print", "receive", request}).exit_code, 0);
  EXPECT_EQ(as("clerk", {"print", "return", request, "--copies", "1"}).exit_code, 1);
  EXPECT_EQ(as("manager", {"print", "return", request, "--copies", "1"}).exit_code, 0);
  EXPECT_EQ(as("manager", {"print", "shred", request, "--copies", "2"}).exit_code, 1) << "only one left";
  EXPECT_EQ(as("manager", {"print", "shred", request, "--copies", "1"}).exit_code, 0);
  auto shown = as("manager", {"print", "show", request, "--format", "json"});
  EXPECT_EQ(json::parse(shown.out).at("outstanding").as_int64(), 0);

  // The lending register of the month lists the printout.
  const auto month = format_rfc3339(now_seconds()).substr(0, 7);
  auto lending = as("aud", {"register", "lending", "--month", month, "--format", "json"});
  ASSERT_EQ(lending.exit_code, 0) << lending.err;
  const auto printouts = json::parse(lending.out).at("printouts").as_array();
  ASSERT_EQ(printouts.size(), 1u);
  EXPECT_EQ(std::to_string(printouts[0].at("id").as_int64()), request);
  EXPECT_EQ(printouts[0].at("shredded").as_int64(), 1);
  auto table = as("aud", {"register", "lending", "--month", month});
  EXPECT_NE(table.out.find("纸质 PR-" + request), std::string::npos) << table.out;
}

TEST_F(PrintE2e, RefusalsPrintNothing) {
  const auto pdf = print::testing::sample_pdf(1);
  const auto doc = upload("a.pdf", pdf);
  // The requester approving their own request.
  const auto own = ask(doc, "both");
  EXPECT_EQ(as("both", {"print", "approve", own, "--from", format_rfc3339(now_seconds() - 60), "--until", format_rfc3339(now_seconds() + 3600)})
                .exit_code, 1);
  EXPECT_EQ(state_of(own), "pending");
  // A forbidden level (top_secret, by the built-in rule).
  const auto secret = upload("b.pdf", pdf, "top_secret");
  EXPECT_EQ(as("clerk", {"print", "request", secret, "--copies", "1", "--reason", "x"}).exit_code, 1);
  // After the period.
  const auto late = ask(doc);
  approve(late, format_rfc3339(now_seconds() + 2));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(code_of(run(late)), "expired");
  EXPECT_EQ(state_of(late), "approved");
  EXPECT_EQ(captured_jobs(), 0u);
}

TEST_F(PrintE2e, ACorruptPdfOrCupsDownPrintsNothingAndKeepsTheApproval) {
  auto broken = print::testing::sample_pdf(2);
  broken.resize(broken.size() * 2 / 3);
  const auto bad = ask(upload("broken.pdf", broken));
  approve(bad);
  EXPECT_EQ(code_of(run(bad)), "invalid_argument");
  EXPECT_EQ(state_of(bad), "approved") << "the approval is not consumed";
  EXPECT_EQ(captured_jobs(), 0u);

  const auto good = ask(upload("good.pdf", print::testing::sample_pdf(1)));
  approve(good);
  cups.stop();
  EXPECT_EQ(code_of(run(good)), "unavailable");
  EXPECT_EQ(state_of(good), "approved") << "the approval is not consumed";
}

}  // namespace
}  // namespace custos::testing
