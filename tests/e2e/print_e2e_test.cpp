// Controlled printing end to end: a real vault, a real custos-agent, a real
// CUPS scheduler on a private socket with a capture queue, and the real
// custos command. The queue receives exactly the stamped PDF: every page
// keeps its text and gains 受控文件, the approval number and n/m; the QR
// code decodes to a code `custos print trace` resolves. Refusals: no
// approval, the requester approving their own request, a forbidden level,
// a second run, a run after the period, a run through the agent of another
// department's workstation (the approval stays and prints afterwards on the
// right one); a corrupt PDF and CUPS down print nothing and leave the
// approval unused, and so does a worker that crashes mid-job, and a job the
// queue holds past the agent's print timeout is cancelled, as is the job
// of a worker lost while CUPS holds it. A preview of a vault document is the stamp over blank
// pages (same count and sizes, none of the text), refused without a grant
// and for a level the policy forbids to print.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <filesystem>
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
    socket = start_agent("ws", "claims", "0123456789abcdef0123456789abcdef");
  }

  void TearDown() override {
    for (const pid_t pid : agents) {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
    if (HasFailure()) {
      for (const char* home : {"ws", "ws-sales"}) {
        std::ifstream log(vault.dir() / home / "agent.err");
        if (log) std::cerr << home << " agent log:\n" << std::string(std::istreambuf_iterator<char>(log), {}) << "\n";
      }
    }
  }

  // Enrolls a workstation of `department` in vault.dir()/`home` and starts
  // its agent (printing to the private CUPS); its socket.
  std::filesystem::path start_agent(const std::string& home_name, const std::string& department,
                                    const std::string& machine_id, const std::string& more_config = "") {
    const auto home = vault.dir() / home_name;
    std::filesystem::create_directories(home);
    std::ofstream(home / "machine-id") << machine_id << "\n";
    const auto agent_socket = home / "agent.sock";
    const auto config = home / "agent.toml";
    std::ofstream(config) << "state_dir = \"" << (home / "state").string() << "\"\nsocket = \""
                          << agent_socket.string() << "\"\nmachine_id_file = \"" << (home / "machine-id").string()
                          << "\"\ndevice_control = false\nuevents = false\nheartbeat_seconds = 5\n"
                          << more_config;
    auto admin = vault.client("admin", VaultProcess::kAdminPassword);
    const json::value ask(json::object{{"department", department}, {"ttl_seconds", 600}});
    auto token = admin.call("POST", "/api/v1/agents/tokens", &ask);
    EXPECT_TRUE(token) << token.error().describe();
    if (!token) return {};
    auto enrolled = run_command({(bin_dir() / "custos-agent").string(), "enroll", "--server", vault.url(),
                                 "--fingerprint", vault.fingerprint(), "--token",
                                 std::string(token->at("token").as_string()), "--config", config.string()});
    EXPECT_EQ(enrolled.exit_code, 0) << enrolled.err;
    agents.push_back(spawn_process({(bin_dir() / "custos-agent").string(), "run", "--config", config.string()},
                                   {{"CUPS_SERVER", cups.socket().string()}}, home / "agent.out",
                                   home / "agent.err"));
    for (int i = 0; i < 100 && !std::filesystem::exists(agent_socket); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(std::filesystem::exists(agent_socket)) << "the agent of " << home_name << " did not start";
    return agent_socket;
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

  // Asks an agent (this workstation's unless told) for `line` with the
  // session of `who`, as the `custos` command does; the agent's answer.
  json::object ask_agent(json::object line, const std::string& who, const std::filesystem::path& at,
                         std::size_t max_answer = 64 * 1024) {
    const json::value login(json::object{{"user", who}, {"password", password_of(who)}});
    auto session = vault.client().call("POST", "/api/v1/sessions", &login);
    EXPECT_TRUE(session) << session.error().describe();
    if (!session) return {};
    line["token"] = session->at("token");
    auto answer = agent::local_request(at, json::serialize(line), std::chrono::seconds(120), max_answer);
    EXPECT_TRUE(answer) << answer.error().describe();
    return answer ? json::parse(*answer).as_object() : json::object{};
  }

  // Asks the agent to print `request`, as `custos print run` does.
  json::object run(const std::string& request, const std::string& who = "clerk",
                   const std::filesystem::path& at = {}) {
    return ask_agent(json::object{{"command", "print"}, {"request", std::stoll(request)}}, who,
                     at.empty() ? socket : at);
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
  std::filesystem::path socket;
  std::vector<pid_t> agents;
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

// The worker that lays out, stamps and prints dies in the middle of the job
// (after naming the queue, on the content): the run fails with internal,
// nothing is printed and the approval stays for a run that works.
TEST_F(PrintE2e, AWorkerThatCrashesMidJobPrintsNothingAndKeepsTheApproval) {
  const auto crashing = vault.dir() / "crashing-worker";
  std::ofstream(crashing) << "#!/bin/bash\n"
                             "printf '\\x13\\x00\\x00\\x00{\"queue\":\"capture\"}"
                             "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00' >&3\n"
                             "grep -a -q -m1 '%PDF' <&3\n"
                             "kill -SEGV $$\n";
  std::filesystem::permissions(crashing, std::filesystem::perms::owner_all);
  const auto other = start_agent("ws-crash", "claims", "fedcba9876543210fedcba9876543210",
                                 "worker = \"" + crashing.string() + "\"\n");
  const auto request = ask(upload("crash.pdf", print::testing::sample_pdf(1)));
  approve(request);
  EXPECT_EQ(code_of(run(request, "clerk", other)), "internal");
  EXPECT_EQ(state_of(request), "approved") << "the approval is not consumed";
  EXPECT_EQ(captured_jobs(), 0u);
  EXPECT_EQ(code_of(run(request)), "ok") << "the approval prints on a working worker";
  EXPECT_EQ(captured_jobs(), 1u);
}

// A printer that never gets to the job (the queue holds it): once the
// agent's print_timeout_seconds have passed, the agent cancels the CUPS job
// and hands the approval back. Left in the queue, the job would print when
// the queue moves again, with the approval unused.
TEST_F(PrintE2e, AJobThatOutlivesItsTimeIsCancelledAndTheApprovalStays) {
  const auto impatient = start_agent("ws-impatient", "claims", "0f1e2d3c4b5a69780f1e2d3c4b5a6978",
                                     "print_timeout_seconds = 2\n");
  ASSERT_FALSE(impatient.empty());
  const auto request = ask(upload("held.pdf", print::testing::sample_pdf(1)));
  approve(request);
  ASSERT_TRUE(cups.hold_new_jobs(true));
  EXPECT_EQ(code_of(run(request, "clerk", impatient)), "timeout");
  EXPECT_EQ(state_of(request), "approved") << "nothing printed: the approval is not consumed";
  EXPECT_EQ(cups.unfinished_jobs(), 0u) << "the held job was cancelled, not left to print later";
  ASSERT_TRUE(cups.hold_new_jobs(false));
  EXPECT_EQ(code_of(run(request)), "ok") << "the approval prints once the queue moves";
  EXPECT_EQ(captured_jobs(), 1u) << "the cancelled job did not print before it";
}

// The worker is lost while CUPS holds its job (killed once the queue lists
// it): the agent has a new worker cancel the job before it hands the
// approval back, so the job cannot print later with the approval unused.
TEST_F(PrintE2e, AWorkerLostWhileCupsHoldsItsJobLeavesNoJobBehind) {
  const auto request = ask(upload("lost.pdf", print::testing::sample_pdf(1)));
  approve(request);
  ASSERT_TRUE(cups.hold_new_jobs(true));
  const pid_t agent = agents.front();
  std::thread killer([&] {
    for (int i = 0; i < 800 && cups.unfinished_jobs() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::ifstream stat(entry.path() / "stat");
      std::string pid, name, state;
      pid_t parent = 0;
      if (stat >> pid >> name >> state >> parent && parent == agent && name == "(custos-agent-wo)") {
        ::kill(static_cast<pid_t>(std::stol(pid)), SIGKILL);
      }
    }
  });
  const auto answer = run(request);
  killer.join();
  EXPECT_EQ(code_of(answer), "internal");
  EXPECT_EQ(state_of(request), "approved") << "nothing printed: the approval is not consumed";
  EXPECT_EQ(cups.unfinished_jobs(), 0u) << "the lost worker's job was cancelled, not left to print later";
  ASSERT_TRUE(cups.hold_new_jobs(false));
  EXPECT_EQ(code_of(run(request)), "ok");
  EXPECT_EQ(captured_jobs(), 1u);
}

// The vault refuses a run on another department's workstation before
// anything is claimed: the approval stays and prints afterwards on the
// department's own workstation.
TEST_F(PrintE2e, AnotherDepartmentsWorkstationIsRefusedAndTheApprovalStays) {
  ASSERT_EQ(vault.custos("it", {"dept", "add", "sales"}).exit_code, 0);
  const auto sales = start_agent("ws-sales", "sales", "fedcba9876543210fedcba9876543210");
  ASSERT_FALSE(sales.empty());
  const auto request = ask(upload("跨部门.pdf", print::testing::sample_pdf(1)));
  approve(request);

  auto refused = as("clerk", {"print", "run", request, "--socket", sales.string()});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_EQ(code_of(run(request, "clerk", sales)), "permission_denied");
  EXPECT_EQ(state_of(request), "approved") << "the approval is not consumed";
  EXPECT_EQ(captured_jobs(), 0u);

  auto printed = as("clerk", {"print", "run", request, "--socket", socket.string(), "--format", "json"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(json::parse(printed.out).at("pages").as_int64(), 1);
  EXPECT_EQ(state_of(request), "printed");
  EXPECT_EQ(captured_jobs(), 1u);
}

// A preview of a vault document: the stamp over blank pages of the same
// number and sizes, none of the document's text; refused without a grant
// and for a level the policy forbids to print, and then no file is made.
TEST_F(PrintE2e, PreviewOfAVaultDocumentIsTheStampOverBlankPages) {
  const auto portrait = print::testing::sample_pdf(3);
  const auto doc = upload("预览.pdf", portrait);
  const auto out = vault.dir() / "preview.pdf";
  auto made = as("clerk", {"print", "preview", doc, "--out", out.string(), "--socket", socket.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_TRUE(std::filesystem::exists(out));
  std::ifstream in(out, std::ios::binary);
  const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  print::testing::PdfProbe probe(bytes);
  ASSERT_EQ(probe.pages(), 3) << "as many pages as the document";
  for (int page = 1; page <= 3; ++page) {
    const auto text = probe.text(page);
    EXPECT_NE(text.find("受控文件"), std::string::npos) << text;
    EXPECT_NE(text.find("PREVIEW"), std::string::npos) << text;
    EXPECT_NE(text.find(std::to_string(page) + "/3"), std::string::npos) << text;
    EXPECT_EQ(text.find("original text"), std::string::npos) << "no content of the document: " << text;
    EXPECT_EQ(text.find("原文"), std::string::npos) << "no content of the document: " << text;
  }
  EXPECT_EQ(probe.qr(1), "CUSTOS-PRINT/PREVIEW");
  EXPECT_EQ(captured_jobs(), 0u) << "a preview prints nothing";

  // Page sizes: a landscape document previews landscape.
  const auto wide = upload("横向.pdf", print::testing::sample_pdf(2, 841.89, 595.28));
  auto answer = ask_agent(json::object{{"command", "print-preview"}, {"document", std::stoll(wide)}}, "clerk",
                          socket, 64u << 20);
  ASSERT_EQ(code_of(answer), "ok");
  EXPECT_EQ(answer.at("pages").as_int64(), 2);
  auto wide_pdf = base64_decode(answer.at("pdf").as_string());
  ASSERT_TRUE(wide_pdf);
  print::testing::PdfProbe wide_probe(*wide_pdf);
  const auto info = print::testing::run_command("pdfinfo -f 1 -l 2 '" + wide_probe.file().string() + "'");
  EXPECT_NE(info.find("Page    1 size:  841.89 x 595.28 pts"), std::string::npos) << info;
  EXPECT_NE(info.find("Page    2 size:  841.89 x 595.28 pts"), std::string::npos) << info;

  // The release is in the audit log as a print preview.
  auto audit = as("aud", {"audit", "list", "--action", "document.content", "--outcome", "allowed", "--format", "json"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  int previews = 0;
  const auto events = json::parse(audit.out);
  for (const auto& event : events.at("events").as_array()) {
    const auto& detail = event.at("detail").as_object();
    if (const auto* purpose = detail.if_contains("purpose"); purpose != nullptr && *purpose == "print_preview") {
      ++previews;
      EXPECT_EQ(event.at("actor").as_string(), "clerk");
    }
  }
  EXPECT_EQ(previews, 2);

  // Without a grant (the manager holds none): refused, no file.
  const auto refused_out = vault.dir() / "refused.pdf";
  auto refused = as("manager", {"print", "preview", doc, "--out", refused_out.string(), "--socket", socket.string()});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_FALSE(std::filesystem::exists(refused_out));
  EXPECT_EQ(code_of(ask_agent(json::object{{"command", "print-preview"}, {"document", std::stoll(doc)}}, "manager",
                              socket)),
            "permission_denied");
  // A level the policy forbids to print (top_secret, by the built-in rule):
  // the clerk holds a grant, and is refused all the same.
  const auto secret = upload("绝密.pdf", portrait, "top_secret");
  EXPECT_EQ(as("clerk", {"print", "preview", secret, "--out", refused_out.string(), "--socket", socket.string()})
                .exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(refused_out));
  EXPECT_EQ(code_of(ask_agent(json::object{{"command", "print-preview"}, {"document", std::stoll(secret)}}, "clerk",
                              socket)),
            "permission_denied");
}

}  // namespace
}  // namespace custos::testing
