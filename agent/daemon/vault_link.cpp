#include "custos/agent/vault_link.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <optional>
#include <random>
#include <thread>

namespace custos::agent {

namespace json = boost::json;

VaultLink::VaultLink(const AgentState& state, VaultLinkOptions options, Outbox& outbox, PolicyKeeper& policy)
    : state_(state),
      options_(std::move(options)),
      outbox_(outbox),
      policy_(policy),
      vault_heartbeat_(std::max<std::int64_t>(1, state.heartbeat_seconds)) {}

void VaultLink::stop() {
  stopping_.store(true);
  outbox_.wake();
}

LinkStatus VaultLink::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void VaultLink::failed(const Error& error) {
  std::lock_guard lock(mutex_);
  status_.reachable = false;
  status_.last_error = error.describe();
  if (logged_error_ != status_.last_error) {
    logged_error_ = status_.last_error;
    if (error.code == ErrorCode::permission_denied || error.code == ErrorCode::unauthenticated) {
      spdlog::error("the vault refused this agent ({}); keeping the last good policy in force", logged_error_);
    } else {
      spdlog::warn("vault unreachable ({}); keeping the last good policy, events wait in the outbox", logged_error_);
    }
  }
}

void VaultLink::succeeded() {
  std::lock_guard lock(mutex_);
  if (!status_.reachable && !logged_error_.empty()) spdlog::info("vault reachable again");
  status_.reachable = true;
  status_.last_contact = now_seconds();
  status_.last_error.clear();
  logged_error_.clear();
}

void VaultLink::pause(std::chrono::milliseconds how_long) {
  const auto until = std::chrono::steady_clock::now() + how_long;
  while (!stopping_.load()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    // Wakes for new events too; the caller's loop decides what to do.
    const auto depth = outbox_.depth();
    outbox_.wait(left);
    if (outbox_.depth() > depth) return;
  }
}

Result<void> VaultLink::heartbeat(vault::VaultClient& client) {
  const json::value body(json::object{{"machine_id", state_.machine_id},
                                      {"policy_version", policy_.version()},
                                      {"outbox_depth", outbox_.depth()},
                                      {"agent_version", options_.agent_version}});
  auto answer = client.call("POST", "/api/v1/agent/heartbeat", &body);
  if (!answer) return fail(answer.error());
  std::uint64_t announced = 0;
  if (const auto* v = answer->as_object().if_contains("policy_version"); v != nullptr && v->is_int64()) {
    announced = static_cast<std::uint64_t>(std::max<std::int64_t>(0, v->as_int64()));
  }
  if (const auto* v = answer->as_object().if_contains("heartbeat_seconds"); v != nullptr && v->is_int64() &&
                                                                          v->as_int64() > 0) {
    vault_heartbeat_ = std::chrono::seconds(v->as_int64());
  }
  {
    std::lock_guard lock(mutex_);
    status_.vault_policy_version = announced;
  }
  if (announced > policy_.version()) return fetch_policy(client);
  return ok();
}

Result<void> VaultLink::fetch_policy(vault::VaultClient& client) {
  auto answer = client.call("GET", "/api/v1/agent/policy");
  if (!answer) {
    if (answer.error().code == ErrorCode::not_found) return ok();  // no policy for the department yet
    return fail(answer.error());
  }
  const auto* bundle = answer->as_object().if_contains("bundle");
  if (bundle == nullptr || !bundle->is_string()) return fail(ErrorCode::corrupt, "the vault's policy answer has no bundle");
  // A refused bundle is recorded by the keeper; the link itself is fine.
  (void)policy_.offer(std::string_view(bundle->as_string()));
  return ok();
}

Result<void> VaultLink::send_events(vault::VaultClient& client) {
  while (!stopping_.load()) {
    auto batch = outbox_.oldest(options_.batch);
    if (!batch) return fail(batch.error());
    if (batch->empty()) return ok();
    json::array events;
    for (const auto& e : *batch) {
      boost::system::error_code ec;
      auto detail = json::parse(e.detail, ec);
      if (ec) detail = json::value(e.detail);
      events.emplace_back(json::object{{"seq", e.seq},
                                       {"time", format_rfc3339(e.time)},
                                       {"kind", e.kind},
                                       {"severity", to_string(e.severity)},
                                       {"detail", std::move(detail)}});
    }
    const json::value body(json::object{{"events", std::move(events)}});
    auto answer = client.call("POST", "/api/v1/agent/events", &body);
    if (!answer) return fail(answer.error());
    std::vector<std::int64_t> acked;
    if (const auto* list = answer->as_object().if_contains("acknowledged"); list != nullptr && list->is_array()) {
      for (const auto& seq : list->as_array()) {
        if (seq.is_int64()) acked.push_back(seq.as_int64());
      }
    }
    if (acked.empty()) return fail(ErrorCode::corrupt, "the vault acknowledged none of a batch of events");
    CUSTOS_TRY_VOID(outbox_.remove(acked));
    if (acked.size() < batch->size()) return ok();  // the rest next round
  }
  return ok();
}

void VaultLink::run() {
  std::mt19937_64 random(std::random_device{}());
  std::optional<vault::VaultClient> client;
  int failures = 0;
  bool policy_fetched = false;
  auto next_heartbeat = std::chrono::steady_clock::now();
  while (!stopping_.load()) {
    auto round = [&]() -> Result<void> {
      if (!client) {
        vault::ClientOptions options;
        options.server = state_.server;
        options.fingerprint = state_.fingerprint;
        options.agent_credential = Secret::from_bytes(state_.credential.unsafe_bytes());
        options.timeout = std::chrono::seconds(30);
        auto made = vault::VaultClient::create(std::move(options));
        if (!made) return fail(made.error());
        client.emplace(std::move(*made));
      }
      if (std::chrono::steady_clock::now() >= next_heartbeat) {
        CUSTOS_TRY_VOID(heartbeat(*client));
        const auto period = options_.heartbeat.count() > 0 ? options_.heartbeat : vault_heartbeat_;
        next_heartbeat = std::chrono::steady_clock::now() + period;
      }
      if (!policy_fetched) {
        CUSTOS_TRY_VOID(fetch_policy(*client));
        policy_fetched = true;
      }
      return send_events(*client);
    }();
    if (round) {
      succeeded();
      failures = 0;
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_heartbeat -
                                                                              std::chrono::steady_clock::now());
      pause(std::max(wait, std::chrono::milliseconds(10)));
      continue;
    }
    failed(round.error());
    client.reset();  // a fresh connection next time
    // Exponential back-off with jitter: 1 s, 2 s, 4 s … up to max_backoff,
    // each drawn between half and all of it.
    const auto ceiling = std::min<std::int64_t>(std::int64_t{1000} << std::min(failures, 20),
                                                options_.max_backoff.count() * 1000);
    ++failures;
    std::uniform_int_distribution<std::int64_t> draw(ceiling / 2, ceiling);
    const auto delay = std::chrono::milliseconds(draw(random));
    // Events wait; a round that failed is retried whole after the delay.
    const auto until = std::chrono::steady_clock::now() + delay;
    while (!stopping_.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
          std::chrono::milliseconds(200),
          std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now())));
    }
    next_heartbeat = std::chrono::steady_clock::now();
  }
}

}  // namespace custos::agent
