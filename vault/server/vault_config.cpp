#include "custos/vault/vault_config.hpp"

#include "custos/records/date.hpp"
#include "custos/records/working_days.hpp"
#include "custos/toml/config_file.hpp"

#include <set>
#include <string_view>
#include <utility>
#include <vector>

namespace custos::vault {
namespace {

// Every key the file may hold; anything else is a typo worth an error.
const std::set<std::string>& known_keys() {
  static const std::set<std::string> keys = {
      "server.listen", "server.io_threads", "server.workers", "server.login_threads", "server.max_connections",
      "server.metrics", "tls.certificate", "tls.private_key", "log.level", "limits.header_bytes",
      "limits.json_body_bytes", "limits.max_upload_bytes", "limits.handshake_timeout_seconds",
      "limits.idle_timeout_seconds", "limits.request_timeout_seconds", "limits.body_read_timeout_seconds",
      "sessions.idle_minutes", "sessions.absolute_hours", "login.lockout_failures", "login.lockout_minutes",
      "login.min_password_length", "grants.max_days", "audit_log.head_every_entries",
      "audit_log.head_every_seconds", "limits.records_body_bytes", "records.holidays", "records.extra_working_days",
      "records.due_working_days", "records.utc_offset", "records.screen_every_seconds", "agents.heartbeat_seconds",
      "agents.silent_after_missed"};
  return keys;
}

using toml_config::where;

class Reader {
 public:
  Reader(const toml::table& table, const std::filesystem::path& file) : table_(table), file_(file) {}

  // A refusal of the value at `path`: "FILE:LINE:COLUMN: <path><why>" (the
  // file alone when the key is absent and its default is refused).
  Error refuse(const char* path, std::string_view why) const {
    const auto node = table_.at_path(path);
    const std::string place = node ? where(file_, node.node()->source()) : file_.string();
    return Error{ErrorCode::invalid_argument, place + ": " + path + std::string(why)};
  }

  template <class T>
  Result<void> number(const char* path, T& out, std::int64_t low, std::int64_t high) {
    const auto node = table_.at_path(path);
    if (!node) return ok();
    const auto value = node.value_exact<std::int64_t>();
    if (!value || *value < low || *value > high) {
      return fail(ErrorCode::invalid_argument, where(file_, node.node()->source()) + ": " + path +
                                                   " must be a whole number from " + std::to_string(low) + " to " +
                                                   std::to_string(high));
    }
    out = static_cast<T>(*value);
    return ok();
  }

  Result<void> text(const char* path, std::string& out) {
    const auto node = table_.at_path(path);
    if (!node) return ok();
    const auto value = node.value_exact<std::string>();
    if (!value) return fail(ErrorCode::invalid_argument, where(file_, node.node()->source()) + ": " + path + " must be a string");
    out = *value;
    return ok();
  }

  // An array of strings; `out` keeps its value when the key is absent.
  Result<void> strings(const char* path, std::vector<std::string>& out) {
    const auto node = table_.at_path(path);
    if (!node) return ok();
    const auto* array = node.as_array();
    if (array == nullptr) {
      return fail(ErrorCode::invalid_argument, where(file_, node.node()->source()) + ": " + path +
                                                   " must be an array of strings");
    }
    out.clear();
    for (const auto& item : *array) {
      const auto value = item.value_exact<std::string>();
      if (!value) {
        return fail(ErrorCode::invalid_argument, where(file_, item.source()) + ": " + path + " must hold strings only");
      }
      out.push_back(*value);
    }
    return ok();
  }

  // An array of dates written YYYY-MM-DD, each parsed once; a bad one is
  // refused at the key's place.
  Result<void> dates(const char* path, std::vector<records::Date>& out) {
    std::vector<std::string> texts;
    CUSTOS_TRY_VOID(strings(path, texts));
    for (const auto& text : texts) {
      auto date = records::parse_date(text);
      if (!date) return fail(refuse(path, ": " + date.error().message));
      out.push_back(*date);
    }
    return ok();
  }

  Result<void> boolean(const char* path, bool& out) {
    const auto node = table_.at_path(path);
    if (!node) return ok();
    const auto value = node.value_exact<bool>();
    if (!value) return fail(ErrorCode::invalid_argument, where(file_, node.node()->source()) + ": " + path + " must be true or false");
    out = *value;
    return ok();
  }

 private:
  const toml::table& table_;
  const std::filesystem::path& file_;
};

Result<void> check_keys(const toml::table& table, const std::filesystem::path& file) {
  for (const auto& [section, node] : table) {
    const auto* inner = node.as_table();
    if (inner == nullptr) {
      return fail(ErrorCode::invalid_argument, where(file, node.source()) + ": unknown key '" +
                                                   std::string(section.str()) + "' (settings live in sections)");
    }
    for (const auto& [key, value] : *inner) {
      const auto full = std::string(section.str()) + "." + std::string(key.str());
      if (!known_keys().contains(full)) {
        return fail(ErrorCode::invalid_argument, where(file, value.source()) + ": unknown key '" + full +
                                                     "' (see docs/admin-guide.md for every key)");
      }
    }
  }
  return ok();
}

}  // namespace

Result<std::int32_t> parse_utc_offset(std::string_view text) {
  // "+HH:MM" or "-HH:MM", hours 0–14, minutes 00–59.
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1; };
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
    return fail(ErrorCode::invalid_argument, "must be written +HH:MM or -HH:MM (\"+08:00\" for China)");
  }
  const int h1 = digit(1), h2 = digit(2), m1 = digit(4), m2 = digit(5);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 || h1 * 10 + h2 > 14 || m1 * 10 + m2 > 59) {
    return fail(ErrorCode::invalid_argument, "must be written +HH:MM or -HH:MM with hours up to 14");
  }
  const std::int32_t seconds = ((h1 * 10 + h2) * 60 + m1 * 10 + m2) * 60;
  return text[0] == '-' ? -seconds : seconds;
}

Result<VaultConfig> load_vault_config(const std::filesystem::path& data_dir, const std::filesystem::path& file,
                                      bool optional) {
  VaultConfig config;
  config.data_dir = data_dir;
  auto parsed = toml_config::read(file, optional);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return config;
  const toml::table& table = **parsed;
  CUSTOS_TRY_VOID(check_keys(table, file));
  Reader r(table, file);
  std::string cert = config.tls_certificate.string();
  std::string key = config.tls_private_key.string();
  std::int64_t idle_minutes = config.auth.idle_seconds / 60;
  std::int64_t absolute_hours = config.auth.absolute_seconds / 3600;
  std::int64_t lockout_minutes = config.auth.lockout_seconds / 60;
  std::int64_t grant_days = config.grants.max_seconds / 86400;
  std::int64_t head_seconds = config.audit_log.head_every.count() / 1000;
  CUSTOS_TRY_VOID(r.text("server.listen", config.server.listen));
  CUSTOS_TRY_VOID(r.number("server.io_threads", config.server.io_threads, 0, 256));
  CUSTOS_TRY_VOID(r.number("server.workers", config.server.workers, 1, 1024));
  CUSTOS_TRY_VOID(r.number("server.login_threads", config.server.login_threads, 1, 64));
  CUSTOS_TRY_VOID(r.number("server.max_connections", config.server.max_connections, 1, 1000000));
  CUSTOS_TRY_VOID(r.boolean("server.metrics", config.server.metrics));
  CUSTOS_TRY_VOID(r.text("tls.certificate", cert));
  CUSTOS_TRY_VOID(r.text("tls.private_key", key));
  CUSTOS_TRY_VOID(r.text("log.level", config.log_level));
  CUSTOS_TRY_VOID(r.number("limits.header_bytes", config.limits.header_bytes, 1024, 1 << 20));
  CUSTOS_TRY_VOID(r.number("limits.json_body_bytes", config.limits.json_body_bytes, 1024, 64 << 20));
  CUSTOS_TRY_VOID(r.number("limits.max_upload_bytes", config.documents.max_upload_bytes, 1, std::int64_t{1} << 50));
  CUSTOS_TRY_VOID(r.number("limits.handshake_timeout_seconds", config.limits.handshake_timeout_seconds, 1, 3600));
  CUSTOS_TRY_VOID(r.number("limits.idle_timeout_seconds", config.limits.idle_timeout_seconds, 1, 3600));
  CUSTOS_TRY_VOID(r.number("limits.request_timeout_seconds", config.limits.request_timeout_seconds, 1, 3600));
  CUSTOS_TRY_VOID(r.number("limits.body_read_timeout_seconds", config.limits.body_read_timeout_seconds, 1, 3600));
  CUSTOS_TRY_VOID(r.number("sessions.idle_minutes", idle_minutes, 1, 24 * 60));
  CUSTOS_TRY_VOID(r.number("sessions.absolute_hours", absolute_hours, 1, 24 * 31));
  CUSTOS_TRY_VOID(r.number("login.lockout_failures", config.auth.lockout_failures, 1, 100));
  CUSTOS_TRY_VOID(r.number("login.lockout_minutes", lockout_minutes, 1, 24 * 60));
  CUSTOS_TRY_VOID(r.number("login.min_password_length", config.auth.min_password_length, 8, 256));
  CUSTOS_TRY_VOID(r.number("grants.max_days", grant_days, 1, 3650));
  CUSTOS_TRY_VOID(r.number("audit_log.head_every_entries", config.audit_log.head_every_entries, 1, 10000000));
  CUSTOS_TRY_VOID(r.number("audit_log.head_every_seconds", head_seconds, 1, 3600));
  CUSTOS_TRY_VOID(r.number("limits.records_body_bytes", config.limits.records_body_bytes, 1024, std::int64_t{1} << 30));
  CUSTOS_TRY_VOID(r.number("records.due_working_days", config.records.due_working_days, 1, 60));
  CUSTOS_TRY_VOID(r.number("records.screen_every_seconds", config.screen_every_seconds, 10, 86400));
  std::vector<records::Date> holidays, extra_days;
  CUSTOS_TRY_VOID(r.dates("records.holidays", holidays));
  CUSTOS_TRY_VOID(r.dates("records.extra_working_days", extra_days));
  if (!holidays.empty() || !extra_days.empty()) {
    config.records.calendar = records::WorkCalendar(std::move(holidays), std::move(extra_days));
  }
  CUSTOS_TRY_VOID(r.number("agents.heartbeat_seconds", config.agents.heartbeat_seconds, 5, 3600));
  CUSTOS_TRY_VOID(r.number("agents.silent_after_missed", config.agents.silent_after_missed, 1, 100));
  std::string offset = "+08:00";
  CUSTOS_TRY_VOID(r.text("records.utc_offset", offset));
  auto seconds = parse_utc_offset(offset);
  if (!seconds) return fail(r.refuse("records.utc_offset", " " + seconds.error().message));
  config.records.utc_offset_seconds = *seconds;
  static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error"};
  if (!levels.contains(config.log_level)) {
    return fail(r.refuse("log.level", " must be trace, debug, info, warn or error"));
  }
  config.tls_certificate = cert;
  config.tls_private_key = key;
  config.auth.idle_seconds = idle_minutes * 60;
  config.auth.absolute_seconds = absolute_hours * 3600;
  config.auth.lockout_seconds = lockout_minutes * 60;
  config.grants.max_seconds = grant_days * 86400;
  config.audit_log.head_every = std::chrono::seconds(head_seconds);
  return config;
}

std::string default_vault_toml() {
  return R"toml(# Custos vault configuration. Every key is optional; the values shown are the
# defaults. Paths are relative to the data folder. See docs/admin-guide.md.

[server]
# listen = "127.0.0.1:8443"     # address:port; [::1]:8443 for IPv6
# io_threads = 0                # network threads; 0 = one per core
# workers = 64                  # threads for store work (most wait for audit commits)
# login_threads = 1             # threads for Argon2id password checks (64 MiB each)
# max_connections = 10000       # connections beyond this are closed at once
# metrics = true                # serve Prometheus metrics at /metrics

[tls]
# certificate = "tls/cert.pem"
# private_key = "tls/key.pem"   # mode 0600

[limits]
# header_bytes = 16384          # larger request heads are answered 413 (too_large)
# json_body_bytes = 1048576     # larger JSON bodies are answered 413
# records_body_bytes = 67108864 # largest customer-records CSV import (64 MiB)
# max_upload_bytes = 8589934592 # largest delivered file (8 GiB)
# handshake_timeout_seconds = 10
# idle_timeout_seconds = 60     # how long to wait for a request head (keep-alive)
# request_timeout_seconds = 30  # to read a JSON body or write an answer
# body_read_timeout_seconds = 60 # per read while an upload streams

[sessions]
# idle_minutes = 30             # a session unused this long ends
# absolute_hours = 12           # a session ends this long after login

[login]
# lockout_failures = 5          # wrong passwords in a row before a lock-out
# lockout_minutes = 15
# min_password_length = 12

[grants]
# max_days = 90                 # longest view grant

[audit_log]
# head_every_entries = 1000     # sign a tree head at least every this many entries
# head_every_seconds = 10       # ...and at least this often while the log grows

[records]
# utc_offset = "+08:00"         # the company's calendar day (T+1 lists, due dates)
# due_working_days = 3          # a suspicious case is due this many working days after its list
# holidays = []                 # ["2026-10-01", ...]: days off besides weekends
# extra_working_days = []       # weekend days worked instead (调休)
# screen_every_seconds = 600    # how often the T+1 job looks for unscreened entries and overdue cases

[agents]
# heartbeat_seconds = 60        # how often agents report (they learn it from the vault)
# silent_after_missed = 3       # missed heartbeats before an agent is raised as silent

[log]
# level = "info"                # trace, debug, info, warn, error
)toml";
}

}  // namespace custos::vault
