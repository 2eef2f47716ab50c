#include "headless_chromium.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <thread>

#include "custos/platform/encoding.hpp"
#include "vault_harness.hpp"

namespace custos::testing {

namespace json = boost::json;
namespace beast = boost::beast;
namespace asio = boost::asio;

struct HeadlessChromium::Impl {
  pid_t pid = -1;
  asio::io_context io;
  beast::websocket::stream<asio::ip::tcp::socket> ws{io};
  std::int64_t next_id = 1;
  std::string session;  // the attached tab's session id
  std::vector<json::object> events;
  std::map<std::string, std::pair<std::string, std::string>> responses;  // requestId → url, mime
  std::vector<std::string> finished;  // requestIds whose body is complete

  ~Impl() {
    beast::error_code ec;
    ws.next_layer().close(ec);
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }

  void note(const json::object& message) {
    const auto* method = message.if_contains("method");
    if (method == nullptr) return;
    const auto& params = message.at("params").as_object();
    if (*method == "Network.responseReceived") {
      const auto& response = params.at("response").as_object();
      responses[std::string(params.at("requestId").as_string())] = {std::string(response.at("url").as_string()),
                                                                    std::string(response.at("mimeType").as_string())};
    } else if (*method == "Network.loadingFinished") {
      finished.emplace_back(params.at("requestId").as_string());
    }
    events.push_back(message);
  }

  Result<json::value> call(const std::string& method, json::object params, bool in_session = true) {
    const auto id = next_id++;
    json::object message{{"id", id}, {"method", method}, {"params", std::move(params)}};
    if (in_session && !session.empty()) message["sessionId"] = session;
    beast::error_code ec;
    ws.write(asio::buffer(json::serialize(message)), ec);
    if (ec) return fail(ErrorCode::io, "devtools write: " + ec.message());
    while (true) {
      beast::flat_buffer buffer;
      ws.read(buffer, ec);
      if (ec) return fail(ErrorCode::io, "devtools read: " + ec.message());
      auto answer = json::parse(beast::buffers_to_string(buffer.data())).as_object();
      if (const auto* got = answer.if_contains("id"); got != nullptr && got->as_int64() == id) {
        if (const auto* error = answer.if_contains("error")) return fail(ErrorCode::internal, method + ": " + json::serialize(*error));
        return answer.at("result");
      }
      note(answer);
    }
  }
};

HeadlessChromium::HeadlessChromium(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HeadlessChromium::~HeadlessChromium() = default;

Result<std::unique_ptr<HeadlessChromium>> HeadlessChromium::start(const std::filesystem::path& profile,
                                                                   const std::filesystem::path& home) {
  std::filesystem::create_directories(profile);
  const auto log = profile.parent_path() / (profile.filename().string() + ".log");
  auto impl = std::make_unique<Impl>();
  // The flags keep a headless Chromium from reaching for the network.
  impl->pid = spawn_process({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                             "--disable-background-networking", "--disable-component-update", "--no-first-run",
                             "--disable-sync", "--disable-extensions", "--remote-debugging-port=0",
                             "--remote-allow-origins=*", "--window-size=1280,900",
                             "--user-data-dir=" + profile.string(), "about:blank"},
                            {{"HOME", home.string()}}, log.string() + ".out", log);
  std::string endpoint;
  for (int i = 0; i < 300 && endpoint.empty(); ++i) {
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      if (const auto at = line.find("ws://"); at != std::string::npos) endpoint = line.substr(at + 5);
    }
    if (endpoint.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (endpoint.empty()) return fail(ErrorCode::unavailable, "chromium did not start (see " + log.string() + ")");
  const auto colon = endpoint.find(':'), slash = endpoint.find('/');
  const auto host = endpoint.substr(0, colon);
  const auto port = endpoint.substr(colon + 1, slash - colon - 1);
  const auto path = endpoint.substr(slash);
  try {
    asio::ip::tcp::resolver resolver(impl->io);
    asio::connect(impl->ws.next_layer(), resolver.resolve(host, port));
    impl->ws.read_message_max(64 << 20);
    impl->ws.handshake(host + ":" + port, path);
  } catch (const std::exception& e) {
    return fail(ErrorCode::unavailable, std::string("cannot reach chromium's devtools: ") + e.what());
  }
  return std::unique_ptr<HeadlessChromium>(new HeadlessChromium(std::move(impl)));
}

Result<void> HeadlessChromium::open(const std::string& url) {
  auto target = impl_->call("Target.createTarget", {{"url", "about:blank"}}, false);
  if (!target) return fail(target.error());
  auto attached = impl_->call("Target.attachToTarget",
                              {{"targetId", target->at("targetId")}, {"flatten", true}}, false);
  if (!attached) return fail(attached.error());
  impl_->session = std::string(attached->at("sessionId").as_string());
  for (const char* domain : {"Network.enable", "Page.enable", "Runtime.enable"}) {
    if (auto on = impl_->call(domain, {}); !on) return fail(on.error());
  }
  if (auto went = impl_->call("Page.navigate", {{"url", url}}); !went) return fail(went.error());
  return wait_for("document.readyState === 'complete'", std::chrono::seconds(10));
}

Result<json::value> HeadlessChromium::evaluate(const std::string& expression) {
  auto result = impl_->call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}});
  if (!result) return fail(result.error());
  const auto& value = result->at("result").as_object();
  if (const auto* v = value.if_contains("value")) return *v;
  return json::value(nullptr);
}

Result<void> HeadlessChromium::wait_for(const std::string& expression, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto value = evaluate("!!(" + expression + ")");
    if (!value) return fail(value.error());
    if (value->is_bool() && value->as_bool()) return ok();
    if (std::chrono::steady_clock::now() > until) return fail(ErrorCode::timeout, "never true: " + expression);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Result<std::string> HeadlessChromium::screenshot() {
  auto shot = impl_->call("Page.captureScreenshot", {{"format", "png"}});
  if (!shot) return fail(shot.error());
  auto png = base64_decode(std::string_view(shot->at("data").as_string()));
  if (!png) return fail(png.error());
  return std::string(png->begin(), png->end());
}

Result<std::vector<ReceivedBody>> HeadlessChromium::response_bodies() {
  std::vector<ReceivedBody> out;
  for (const auto& id : impl_->finished) {
    auto found = impl_->responses.find(id);
    if (found == impl_->responses.end()) continue;
    auto body = impl_->call("Network.getResponseBody", {{"requestId", id}});
    if (!body) continue;  // e.g. a 204 without a body
    std::string text(body->at("body").as_string());
    if (body->at("base64Encoded").as_bool()) {
      auto decoded = base64_decode(text);
      if (!decoded) return fail(decoded.error());
      text.assign(decoded->begin(), decoded->end());
    }
    out.push_back({found->second.first, found->second.second, std::move(text)});
  }
  return out;
}

}  // namespace custos::testing
