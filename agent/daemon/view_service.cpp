#include "custos/agent/view_service.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "custos/agent/memory_lock.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/random.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/agent/user_client.hpp"
#include "custos/vault/client.hpp"
#include "custos/agent/agent_worker.hpp"

namespace custos::agent {

namespace json = boost::json;

// One view: its worker, the thread that hears it (pages, the closing) and
// the one that asks the vault whether the grant still holds.
struct ViewService::View {
  std::unique_ptr<Worker> worker;
  std::thread hearing;
  std::thread watching;
  std::atomic<bool> open{true};
  std::atomic<bool> done{false};
  std::mutex closing;       // guards reason
  std::string reason;       // why the agent closed it, once it has
  // Asks the worker to close the view (its page learns why); a worker that
  // does not end within a few seconds is ended.
  void close(const std::string& why) {
    {
      std::lock_guard lock(closing);
      if (!reason.empty()) return;
      reason = why;
    }
    if (!worker->send(json::object{{"close", why}})) worker->terminate();
  }
  // Ends the worker at once (the agent is stopping).
  void end(const std::string& why) {
    {
      std::lock_guard lock(closing);
      if (reason.empty()) reason = why;
    }
    worker->terminate();
  }
};

namespace {

// Locked memory: with CAP_IPC_LOCK (the unit grants it) there is no limit;
// without it, RLIMIT_MEMLOCK bounds what mlock can hold, and libsodium's
// guarded heap quietly keeps pages it could not lock. Say so once a view
// needs more than the limit allows.
void warn_when_memlock_is_short(std::uint64_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_MEMLOCK, &limit) != 0 || memory_lock_unbounded()) return;
  if (needed <= limit.rlim_cur) return;
  spdlog::warn("RLIMIT_MEMLOCK is {} KiB but the view needs about {} KiB: parts of the document may reach swap; "
               "run the agent with CAP_IPC_LOCK or a higher LimitMEMLOCK",
               limit.rlim_cur / 1024, needed / 1024);
}

std::string text_field(const json::value& object, const char* key) {
  const auto* v = object.is_object() ? object.as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t number_field(const json::value& object, const char* key) {
  const auto* v = object.is_object() ? object.as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_int64() ? v->as_int64() : -1;
}

}  // namespace

ViewService::ViewService(const AgentState& state, EventSink& events, ViewServiceOptions options)
    : state_(state), events_(events), options_(options) {}

ViewService::~ViewService() { stop(); }

std::size_t ViewService::open_views() const {
  std::lock_guard lock(mutex_);
  return views_.size();
}

void ViewService::reap() {
  std::lock_guard lock(mutex_);
  for (auto it = views_.begin(); it != views_.end();) {
    if ((*it)->done.load()) {
      (*it)->hearing.join();
      (*it)->watching.join();
      it = views_.erase(it);
    } else {
      ++it;
    }
  }
}

void ViewService::stop() {
  std::lock_guard lock(mutex_);
  for (auto& view : views_) view->end("the agent stopped");
  for (auto& view : views_) {
    if (view->hearing.joinable()) view->hearing.join();
    if (view->watching.joinable()) view->watching.join();
  }
  views_.clear();
}

Result<json::object> ViewService::open(ViewRequest request) {
  reap();
  if (!request.server.empty() && request.server != state_.server) {
    return fail(ErrorCode::invalid_argument, "you are logged in to " + request.server +
                                                 " but this workstation belongs to " + state_.server +
                                                 "; log in there (custos login --server " + state_.server + ")");
  }
  if (open_views() >= options_.max_open_views) {
    return fail(ErrorCode::unavailable, "this workstation has " + std::to_string(options_.max_open_views) +
                                            " views open; close one first");
  }
  // The timeout bounds every read and write: a vault that stops answering
  // must not keep a view open (nor the agent's stop waiting) for long.
  auto client = user_client(state_, request.session, std::chrono::seconds(10));
  if (!client) return fail(client.error());
  const auto id = std::to_string(request.document);
  auto who = client->call("GET", "/api/v1/whoami");
  if (!who) return fail(who.error());
  auto meta = client->call("GET", "/api/v1/documents/" + id);
  if (!meta) return fail(meta.error());
  const auto size = number_field(*meta, "size");
  if (size < 0) return fail(ErrorCode::corrupt, "the vault's answer has no document size");
  warn_when_memlock_is_short(static_cast<std::uint64_t>(size) * 2 + (32u << 20));

  // The content, straight into locked memory.
  Secret content(static_cast<std::size_t>(size));
  std::size_t received = 0;
  CUSTOS_TRY_VOID(client->download("/api/v1/documents/" + id + "/content", [&](std::span<const std::uint8_t> piece) {
    if (received + piece.size() > static_cast<std::size_t>(size)) {
      return Result<void>(fail(ErrorCode::corrupt, "the vault sent more than the document's size"));
    }
    std::copy(piece.begin(), piece.end(), content.unsafe_bytes().begin() + static_cast<std::ptrdiff_t>(received));
    received += piece.size();
    return ok();
  }));
  if (received != static_cast<std::size_t>(size)) {
    return fail(ErrorCode::corrupt, "the vault sent less than the document's size");
  }

  const auto user = text_field(*who, "name");
  const auto display = text_field(*who, "display_name");
  const auto trace = "V-" + hex_encode(random_bytes(4));
  // The worker renders and serves; the agent keeps the events and the
  // vault's word.
  auto worker = Worker::start(worker_program(options_.worker));
  if (!worker) return fail(worker.error());
  const json::object job{{"job", "view"},
                         {"content_type", text_field(*meta, "content_type")},
                         {"filename", text_field(*meta, "filename")},
                         {"viewer", display.empty() || display == user ? user : user + " " + display},
                         {"workstation", state_.agent_name + " " + state_.hostname},
                         {"time", format_rfc3339(now_seconds())},
                         {"trace", trace},
                         {"owner", static_cast<std::int64_t>(request.uid)},
                         {"label", "document " + id},
                         {"idle_seconds", static_cast<std::int64_t>(options_.idle_timeout.count())}};
  CUSTOS_TRY_VOID((*worker)->send(job, content.unsafe_bytes()));
  content = Secret();  // the worker has it now
  // Opening is quick (pages render when shown): a worker stuck in a
  // document does not hold the local API.
  (*worker)->answer_within(std::chrono::seconds(60));
  auto opened = (*worker)->receive();
  if (!opened) return fail(opened.error());
  (*worker)->answer_within(std::chrono::milliseconds(0));
  const auto url = text_field(*opened, "url");
  const int pages = static_cast<int>(number_field(*opened, "pages"));
  if (url.empty() || pages < 0) return fail(ErrorCode::corrupt, "the agent's worker opened no view");

  auto view = std::make_unique<View>();
  view->worker = std::move(*worker);
  events_.record("document.view_opened", Severity::info,
                 {{"user", user}, {"uid", request.uid}, {"document", request.document}, {"pages", pages},
                  {"trace", trace}, {"level", text_field(*meta, "level")}});
  auto* raw = view.get();
  raw->hearing = std::thread([this, raw, user, doc = request.document, trace, pages] {
    std::string why;
    for (;;) {
      auto said = raw->worker->receive();
      if (!said) {
        why = said.error().message;
        break;
      }
      if (const auto page = number_field(*said, "page"); page > 0) {
        events_.record("document.page_view", Severity::info,
                       {{"user", user}, {"document", doc}, {"page", page}, {"pages", pages}, {"trace", trace}});
      } else if (said->contains("closed")) {
        why = text_field(*said, "closed");
        break;
      }
    }
    raw->open.store(false);
    {
      std::lock_guard lock(raw->closing);
      // The agent's reason when it closed the view; else the worker's own
      // (idle, the page gone) or how the worker was lost.
      if (!raw->reason.empty()) why = raw->reason;
    }
    events_.record("document.view_closed", Severity::info,
                   {{"user", user}, {"document", doc}, {"trace", trace}, {"reason", why}});
    // The worker lingers a few seconds so that the page learns why; then it
    // is ended if it has not ended by itself.
    for (int waited = 0; waited < 100 && !raw->worker->exited(); ++waited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    raw->worker->terminate();
    spdlog::info("view {} closed: {} (its worker: {})", trace, why, raw->worker->ended());
    raw->done.store(true);
  });
  // The watcher keeps the session (in its Secret) and the client for as
  // long as the view is open.
  raw->watching = std::thread([raw, watcher = std::move(*client), id, options = options_]() mutable {
    auto confirmed = std::chrono::steady_clock::now();
    while (raw->open.load()) {
      for (auto waited = std::chrono::milliseconds(0); waited < options.check_every && raw->open.load();
           waited += std::chrono::milliseconds(100)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (!raw->open.load()) break;
      auto check = watcher.call("GET", "/api/v1/documents/" + id + "/view-check");
      if (check) {
        confirmed = std::chrono::steady_clock::now();
        continue;
      }
      const auto code = check.error().code;
      if (code == ErrorCode::unavailable || code == ErrorCode::timeout || code == ErrorCode::io) {
        if (std::chrono::steady_clock::now() - confirmed > options.unconfirmed_after) {
          raw->close("the vault cannot confirm access to this document; closed");
        }
        continue;
      }
      raw->close(code == ErrorCode::unauthenticated ? "your session has ended; closed"
                                                    : "access to this document was revoked or has expired");
    }
  });
  {
    std::lock_guard lock(mutex_);
    views_.push_back(std::move(view));
  }
  spdlog::info("view {} of document {} opened for uid {} ({} pages)", trace, id, request.uid, pages);
  return json::object{{"url", url}, {"pages", pages}, {"trace", trace}, {"document", request.document}};
}

bool is_view_request(std::string_view request) {
  boost::system::error_code ec;
  auto parsed = json::parse(request, ec);
  return !ec && text_field(parsed, "command") == "view";
}

std::string answer_view_request(ViewService& views, std::string_view request, uid_t uid) {
  auto refuse = [](ErrorCode code, const std::string& message) {
    return json::serialize(json::object{{"error", json::object{{"code", to_string(code)}, {"message", message}}}});
  };
  boost::system::error_code ec;
  auto parsed = json::parse(request, ec);
  if (ec || !parsed.is_object()) return refuse(ErrorCode::invalid_argument, "the request is not a JSON object");
  const auto document = number_field(parsed, "document");
  auto* session = parsed.as_object().if_contains("session");
  if (document <= 0) return refuse(ErrorCode::invalid_argument, "\"document\" must be a positive number");
  if (session == nullptr || !session->is_string() || session->as_string().empty()) {
    return refuse(ErrorCode::unauthenticated, "no session: log in first (custos login)");
  }
  ViewRequest ask{document, Secret::from_string(std::string_view(session->as_string())), uid,
                  text_field(parsed, "server")};
  auto& text = session->as_string();
  std::fill(text.begin(), text.end(), '\0');
  auto opened = views.open(std::move(ask));
  if (!opened) return refuse(opened.error().code, opened.error().message);
  return json::serialize(*opened);
}

}  // namespace custos::agent
