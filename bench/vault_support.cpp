// The one bench translation unit that instantiates Boost.Beast and Asio's
// coroutines (the load client); keep it that way for build times.
#include "vault_support.hpp"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "custos/platform/fingerprint.hpp"
#include "custos/platform/timestamp.hpp"

extern char** environ;

namespace custos::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// fork + exec with extra environment, output to files. The child dies with
// this process (PR_SET_PDEATHSIG), so an interrupted benchmark leaves no
// vault running.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::filesystem::path& out, const std::filesystem::path& err) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (!env.contains(entry.substr(0, entry.find('=')))) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int in_fd = ::open("/dev/null", O_RDONLY);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(127);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

struct Ran {
  int exit_code;
  std::string out;
  std::string err;
};

Ran run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
        const std::filesystem::path& scratch) {
  const pid_t pid = spawn(argv, env, scratch / "run.out", scratch / "run.err");
  int status = 0;
  ::waitpid(pid, &status, 0);
  Ran ran{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(scratch / "run.out"),
          slurp(scratch / "run.err")};
  std::filesystem::remove(scratch / "run.out");
  std::filesystem::remove(scratch / "run.err");
  return ran;
}

}  // namespace

void figure(const std::string& name, double value, const std::string& unit, int decimals) {
  std::printf("%s: %.*f%s%s\n", name.c_str(), decimals, value, unit.empty() ? "" : " ", unit.c_str());
  std::fflush(stdout);
}

void die(const std::string& what) { throw std::runtime_error(what); }

double load_average() {
  double one = -1;
  if (std::FILE* f = std::fopen("/proc/loadavg", "r"); f != nullptr) {
    if (std::fscanf(f, "%lf", &one) != 1) one = -1;
    std::fclose(f);
  }
  return one;
}

MachineCpu machine_cpu() {
  std::ifstream stat("/proc/stat");
  std::string label;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  if (!stat || label != "cpu") die("cannot read /proc/stat");
  const auto tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return MachineCpu{(user + nice + system + irq + softirq) / tick, (idle + iowait + steal) / tick};
}

double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), {});
  // The command name may hold spaces; the fields after it do not.
  const auto after = text.rfind(')');
  if (after == std::string::npos) die("process " + std::to_string(pid) + " is gone");
  std::istringstream fields(text.substr(after + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

TempDir::TempDir(const std::string& tag) {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("custos-bench-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path vault_binary() {
  if (const char* given = std::getenv("CUSTOS_VAULT_BIN"); given != nullptr && *given != '\0') return given;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) die("cannot find this program's own path: " + ec.message());
  auto binary = self.parent_path().parent_path() / "bin" / "custos-vault";
  if (!std::filesystem::exists(binary)) {
    die(binary.string() + " is missing: build the custos-vault target (or set CUSTOS_VAULT_BIN)");
  }
  return binary;
}

VaultServer::VaultServer(const std::string& tag, const std::string& vault_toml)
    : dir_("vault-" + tag), data_dir_(dir_.path() / "data") {
  const auto binary = vault_binary().string();
  auto init = run({binary, "init", "--data-dir", data_dir_.string(), "--admin", kAdmin, "--department",
                   kAdminDepartment},
                  {{"CUSTOS_ADMIN_PASSWORD", kAdminPassword}}, dir_.path());
  if (init.exit_code != 0) die("custos-vault init failed: " + init.err);
  if (!vault_toml.empty()) {
    std::ofstream toml(data_dir_ / "vault.toml", std::ios::trunc);
    toml << vault_toml << "\n";
  }
  auto fp = run({binary, "fingerprint", "--data-dir", data_dir_.string()}, {}, dir_.path());
  if (fp.exit_code != 0) die("custos-vault fingerprint failed: " + fp.err);
  fingerprint_ = fp.out.substr(0, fp.out.find('\n'));
  const auto port_file = dir_.path() / "port";
  pid_ = spawn({binary, "serve", "--data-dir", data_dir_.string(), "--listen", "127.0.0.1:0", "--port-file",
                port_file.string()},
               {}, dir_.path() / "serve.out", dir_.path() / "serve.err");
  for (int i = 0; i < 300; ++i) {
    if (std::filesystem::exists(port_file)) {
      const auto text = slurp(port_file);
      if (!text.empty() && text.back() == '\n') {
        port_ = static_cast<std::uint16_t>(std::stoi(text));
        return;
      }
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      die("custos-vault serve exited: " + slurp(dir_.path() / "serve.err"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop();
  die("custos-vault serve did not start within 15 s");
}

VaultServer::~VaultServer() { stop(); }

void VaultServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

vault::VaultClient VaultServer::client(const std::string& user, const std::string& password) const {
  auto made = vault::VaultClient::create({url(), fingerprint_, Secret(), Secret(), std::chrono::seconds(120)});
  if (!made) die("cannot make a client: " + made.error().describe());
  if (!user.empty()) {
    const json::value body(json::object{{"user", user}, {"password", password}});
    auto login = made->call("POST", "/api/v1/sessions", &body);
    if (!login) die("login of " + user + " failed: " + login.error().describe());
    made->set_token(Secret::from_string(std::string(login->at("token").as_string())));
  }
  return std::move(*made);
}

std::string VaultServer::login(const std::string& user, const std::string& password) const {
  auto anonymous = client();
  const json::value body(json::object{{"user", user}, {"password", password}});
  auto login = anonymous.call("POST", "/api/v1/sessions", &body);
  if (!login) die("login of " + user + " failed: " + login.error().describe());
  return std::string(login->at("token").as_string());
}

void VaultServer::add_user(const std::string& name, const std::string& department, const std::string& role,
                           const std::string& password) const {
  auto admin = client(kAdmin, kAdminPassword);
  const json::value body(json::object{
      {"name", name}, {"department", department}, {"roles", json::array{json::value(role)}}, {"password", password}});
  if (auto made = admin.call("POST", "/api/v1/users", &body); !made) {
    die("cannot create user " + name + ": " + made.error().describe());
  }
}

std::string VaultServer::metrics() const {
  auto anonymous = client();
  std::string text;
  auto got = anonymous.download("/metrics", [&](std::span<const std::uint8_t> piece) -> Result<void> {
    text.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    return ok();
  });
  if (!got) die("GET /metrics failed: " + got.error().describe());
  return text;
}

double VaultServer::metric(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == ' ') {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return -1;
}

DocumentScene make_document_scene(const VaultServer& server, unsigned sessions) {
  server.add_user("lead1", VaultServer::kAdminDepartment, "project_lead", "bench-lead-password-1");
  server.add_user(DocumentScene::kClerk, VaultServer::kAdminDepartment, "info_clerk", DocumentScene::kClerkPassword);
  auto lead = server.client("lead1", "bench-lead-password-1");
  const std::string content(4096, 'x');
  auto uploaded = lead.upload_stream("/api/v1/documents?title=bench&level=confidential&filename=bench.txt",
                                     content.size(), "text/plain", [&, sent = false](std::span<std::uint8_t> out) mutable {
                                       if (sent) return std::size_t{0};
                                       std::memcpy(out.data(), content.data(), content.size());
                                       sent = true;
                                       return content.size();
                                     });
  if (!uploaded) die("cannot upload the document: " + uploaded.error().describe());
  DocumentScene scene;
  scene.document_id = uploaded->at("id").to_number<std::int64_t>();
  scene.target = "/api/v1/documents/" + std::to_string(scene.document_id);
  const json::value grant(json::object{{"user", DocumentScene::kClerk},
                                       {"until", format_rfc3339(now_seconds() + 30 * 86400)}});
  if (auto made = lead.call("POST", scene.target + "/grants", &grant); !made) {
    die("cannot grant the document: " + made.error().describe());
  }
  for (unsigned i = 0; i < sessions; ++i) scene.tokens.push_back(server.login(DocumentScene::kClerk, DocumentScene::kClerkPassword));
  return scene;
}

// ---------------------------------------------------------------- load client

namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

struct Load {
  explicit Load(const LoadOptions& o) : options(o), go(io) {}
  const LoadOptions& options;
  asio::io_context io;
  ssl::context tls{ssl::context::tls_client};
  asio::steady_timer go;  // cancelled once every connection is ready
  unsigned ready = 0;
  bool started = false;
  Clock::time_point start{}, deadline{}, last_answer{};
  std::uint64_t issued = 0;
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::vector<std::uint32_t> latencies_us;

  void arrived() {
    if (++ready < options.connections) return;
    started = true;
    start = Clock::now();
    last_answer = start;
    deadline = start + options.duration;
    go.cancel();
  }
  bool more() const {
    if (options.max_requests != 0 && issued >= options.max_requests) return false;
    return Clock::now() < deadline;
  }
  asio::awaitable<void> connection(unsigned index);
};

asio::awaitable<void> Load::connection(unsigned index) {
  beast::ssl_stream<beast::tcp_stream> stream(co_await asio::this_coro::executor, tls);
  auto& tcp_layer = beast::get_lowest_layer(stream);
  // Pin the leaf certificate's fingerprint, as VaultClient does.
  stream.set_verify_mode(ssl::verify_peer);
  stream.set_verify_callback([this](bool, ssl::verify_context& ctx) {
    X509_STORE_CTX* store = ctx.native_handle();
    if (X509_STORE_CTX_get_error_depth(store) != 0) return true;
    unsigned char* der = nullptr;
    const int size = i2d_X509(X509_STORE_CTX_get_current_cert(store), &der);
    if (size <= 0) return false;
    const bool pinned = der_fingerprint(der, static_cast<std::size_t>(size)) == options.fingerprint;
    OPENSSL_free(der);
    return pinned;
  });
  tcp_layer.expires_after(std::chrono::seconds(30));
  auto [connect_ec] =
      co_await tcp_layer.async_connect(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), options.port), kTuple);
  boost::system::error_code handshake_ec = connect_ec;
  if (!connect_ec) {
    tcp_layer.socket().set_option(tcp::no_delay(true));
    std::tie(handshake_ec) = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
  }
  if (handshake_ec) {
    ++failures;
    arrived();
    co_return;
  }
  http::request<http::empty_body> request{http::verb::get, options.target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::user_agent, "custos-bench");
  request.keep_alive(true);
  if (!options.tokens.empty()) {
    request.set(http::field::authorization, "Bearer " + options.tokens[index % options.tokens.size()]);
  }
  arrived();
  if (!started) co_await go.async_wait(kTuple);  // ends as operation_aborted when all are ready
  beast::flat_buffer buffer;
  while (more()) {
    ++issued;
    const auto sent = Clock::now();
    tcp_layer.expires_after(std::chrono::seconds(30));
    auto [write_ec, written] = co_await http::async_write(stream, request, kTuple);
    http::response<http::string_body> response;
    boost::system::error_code read_ec;
    if (!write_ec) std::tie(read_ec, std::ignore) = co_await http::async_read(stream, buffer, response, kTuple);
    const auto answered = Clock::now();
    if (write_ec || read_ec) {
      ++failures;
      co_return;
    }
    if (response.result_int() != 200) {
      ++failures;
      if (!response.keep_alive()) co_return;
      continue;
    }
    if (answered <= deadline) {
      ++requests;
      last_answer = std::max(last_answer, answered);
      latencies_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(answered - sent).count()));
    }
  }
  boost::system::error_code ignored;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
  tcp_layer.socket().close(ignored);
}

}  // namespace

LoadResult run_load(const LoadOptions& options) {
  Load load(options);
  SSL_CTX_set_min_proto_version(load.tls.native_handle(), TLS1_2_VERSION);
  load.go.expires_at(asio::steady_timer::time_point::max());
  load.latencies_us.reserve(1 << 20);
  for (unsigned i = 0; i < options.connections; ++i) {
    asio::co_spawn(load.io, load.connection(i), asio::detached);
  }
  load.io.run();
  LoadResult result;
  result.requests = load.requests;
  result.failures = load.failures;
  result.seconds = std::chrono::duration<double>(load.last_answer - load.start).count();
  auto& lat = load.latencies_us;
  if (!lat.empty()) {
    std::sort(lat.begin(), lat.end());
    auto at = [&](double q) {
      return static_cast<double>(lat[std::min(lat.size() - 1, static_cast<std::size_t>(q * static_cast<double>(lat.size())))]) / 1000.0;
    };
    result.p50_ms = at(0.50);
    result.p99_ms = at(0.99);
    result.max_ms = static_cast<double>(lat.back()) / 1000.0;
  }
  return result;
}

LoadOptions document_load(const VaultServer& server, const DocumentScene& scene, unsigned connections) {
  LoadOptions options;
  options.port = server.port();
  options.fingerprint = server.fingerprint();
  options.connections = connections;
  options.target = scene.target;
  options.tokens = scene.tokens;
  return options;
}

}  // namespace custos::bench
