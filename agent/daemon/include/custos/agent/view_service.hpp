// The agent's side of `custos view DOC`: the local API's "view" command.
//
// The request carries the user's session token (over the local socket,
// never on a command line) and a document id. The agent asks the vault
// with that session *and* its own agent credential — the vault releases
// content only to both, and only under a live grant — reads the content
// into locked memory and hands it to a custos-agent-worker of its own
// (agent_worker.hpp), which opens it for rendering and starts a ViewerServer
// bound to the caller's uid (SO_PEERCRED of the local socket). The answer
// is the one-time URL. The worker ends with the view.
//
// While a view is open a watcher asks the vault every `check_every`
// whether the grant still holds (GET /documents/{id}/view-check); a refusal
// — revoked, expired, the session ended — closes the view at once, and so
// does a vault that cannot confirm it for `unconfirmed_after`. Each page
// shown is a `document.page_view` event through the outbox (who, document,
// page, trace code; the outbox stamps the time, the vault the workstation).
//
// Thread-safety: open() from the local API's thread; stop() from any.
#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/event_sink.hpp"
#include "custos/platform/secret.hpp"

namespace custos::agent {

struct ViewServiceOptions {
  std::chrono::milliseconds check_every{2000};
  std::chrono::seconds unconfirmed_after{10};
  std::chrono::seconds idle_timeout{15 * 60};
  std::size_t max_open_views = 8;  // per workstation; each holds a document in locked memory
  std::filesystem::path worker{};  // custos-agent-worker (empty: next to this program; agent_worker.hpp)
};

struct ViewRequest {
  std::int64_t document = 0;
  Secret session;  // the user's vault session token
  uid_t uid = 0;   // the local user asking (SO_PEERCRED)
  std::string server{};  // the vault the user logged in to; must be this agent's
};

class ViewService {
 public:
  ViewService(const AgentState& state, EventSink& events, ViewServiceOptions options = {});
  ~ViewService();  // closes every open view

  // Opens a view; the answer is {"url", "pages", "trace", "document"}. The
  // vault's refusal comes back with its code (permission_denied without a
  // live grant, unauthenticated for an expired session).
  Result<boost::json::object> open(ViewRequest request);
  // Closes every view (the agent is stopping).
  void stop();
  std::size_t open_views() const;

 private:
  struct View;
  void reap();

  const AgentState& state_;
  EventSink& events_;
  ViewServiceOptions options_;
  mutable std::mutex mutex_;
  std::list<std::unique_ptr<View>> views_;
};

// Whether a local API request is {"command":"view",…}.
bool is_view_request(std::string_view request);

// The local API's "view" command: {"command":"view","document":N,"session":"…"}.
// Answers {"url",…} or {"error":{"code","message"}}.
std::string answer_view_request(ViewService& views, std::string_view request, uid_t uid);

}  // namespace custos::agent
