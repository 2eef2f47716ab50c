#include "custos/vault/register_service.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace custos::vault {
namespace {

// The first second after a grant's span. Content is released under a grant
// only before its expiry, so that second is out; times are whole seconds, so
// a release in the second of the revocation may have come before it, and
// one under this grant must have: that second is in.
UnixSeconds span_end(const Grant& grant) {
  return grant.revoked_at ? std::min(*grant.revoked_at + 1, grant.expires_at) : grant.expires_at;
}

// Counts, for each row, the releases to its grantee of its document within
// its span: one pass over the releases, then two binary searches per row.
void count_views(std::vector<LendingRow>& rows, const std::vector<ContentRelease>& releases) {
  std::map<std::pair<Id, Id>, std::vector<UnixSeconds>> times;
  for (const auto& release : releases) times[{release.user_id, release.document_id}].push_back(release.time);
  for (auto& [key, list] : times) std::sort(list.begin(), list.end());
  for (auto& row : rows) {
    const auto& grant = row.lending.grant;
    const auto found = times.find({grant.grantee_id, grant.document_id});
    if (found == times.end()) continue;
    const auto& list = found->second;
    const auto first = std::lower_bound(list.begin(), list.end(), grant.created_at);
    const auto last = std::lower_bound(first, list.end(), span_end(grant));
    row.views = last - first;
  }
}

}  // namespace

std::string_view to_string(LendingStatus status) noexcept {
  switch (status) {
    case LendingStatus::live: return "live";
    case LendingStatus::revoked: return "revoked";
    case LendingStatus::expired: return "expired";
  }
  return "unknown";
}

LendingStatus lending_status(const Grant& grant, UnixSeconds now) noexcept {
  if (grant.revoked_at) return LendingStatus::revoked;
  return now < grant.expires_at ? LendingStatus::live : LendingStatus::expired;
}

RegisterService::RegisterService(Store& store, AuditSink& audit) : store_(store), audit_(audit) {}

namespace {

// What every register shares: the role check, the month, the department a
// reader may see, one read transaction and the audit record of the read.
// `rows(tx, month, department)` reads the rows of the month, of documents of
// that department (or of all).
template <class Row, class Rows>
Result<Register<Row>> read_register(Store& store, AuditSink& audit, const Principal& by, Action action,
                                    std::string_view name, std::string_view month,
                                    const std::optional<std::string>& department, const Origin& origin, Rows rows) {
  CUSTOS_TRY_VOID(require_role(by, action));
  auto window = parse_month(month);
  if (!window) return fail(window.error());
  // Managers and leads see their own department; only an auditor may choose.
  const bool auditor = by.user.roles.has(Role::auditor);
  if (!auditor && department && *department != by.user.department) {
    return fail(ErrorCode::permission_denied, "you may read the register of your own department ('" +
                                                  by.user.department + "') only");
  }
  Register<Row> out{*window, auditor ? department : std::optional(by.user.department), origin.now, {}};
  auto listed = transact(store, TxMode::read, [&](Transaction& tx) -> Result<std::vector<Row>> {
    std::optional<Id> scope;
    if (out.department) {
      auto found = tx.department_by_name(*out.department);
      if (!found) return fail(found.error());
      scope = found->id;
    }
    return rows(tx, *window, scope);
  });
  if (!listed) return fail(listed.error());
  out.rows = std::move(*listed);
  const std::string scope_json = out.department ? "\"" + json_escape(*out.department) + "\"" : "null";
  CUSTOS_TRY_VOID(audit.record(make_audit(origin, &by, action, std::string(name) + ":" + window->text(),
                                          Outcome::allowed, "ok",
                                          "{\"department\":" + scope_json +
                                              ",\"count\":" + std::to_string(out.rows.size()) + "}")));
  return out;
}

}  // namespace

Result<LendingRegister> RegisterService::lending(const Principal& by, std::string_view month,
                                                 const std::optional<std::string>& department, const Origin& origin) {
  // Paper lent: the printouts of the month, of the same department(s), with
  // what became of their copies so far; read in the grants' transaction.
  std::vector<PrintRequest> printouts;
  std::vector<PrintCopyEvent> events;
  auto out = read_register<LendingRow>(
      store_, audit_, by, Action::register_lending, "lending", month, department, origin,
      [&](Transaction& tx, const UtcMonth& window, std::optional<Id> scope) -> Result<std::vector<LendingRow>> {
        auto printed = tx.print_requests_printed_between(window.start, window.end, scope);
        if (!printed) return fail(printed.error());
        printouts = std::move(*printed);
        auto copies = tx.print_copy_events_of_printed_between(window.start, window.end, scope);
        if (!copies) return fail(copies.error());
        events = std::move(*copies);
        auto grants = tx.grants_created_between(window.start, window.end, scope);
        if (!grants) return fail(grants.error());
        std::vector<LendingRow> list;
        list.reserve(grants->size());
        UnixSeconds last_end = window.start;
        for (auto& lending : *grants) {
          last_end = std::max(last_end, span_end(lending.grant));
          const auto status = lending_status(lending.grant, origin.now);
          list.push_back(LendingRow{std::move(lending), status, 0});
        }
        if (list.empty()) return list;
        // Every span starts in the month, so the releases that count lie
        // between the month's start and the latest end.
        auto releases = tx.content_releases_between(window.start, last_end);
        if (!releases) return fail(releases.error());
        count_views(list, *releases);
        return list;
      });
  if (!out) return out;
  out->printouts = std::move(printouts);
  out->printout_events = std::move(events);
  return out;
}

Result<DestructionRegister> RegisterService::destruction(const Principal& by, std::string_view month,
                                                         const std::optional<std::string>& department,
                                                         const Origin& origin) {
  std::vector<PrintCopyEvent> shredded;
  auto out = read_register<DestructionRow>(
      store_, audit_, by, Action::register_destruction, "destruction", month, department, origin,
      [&](Transaction& tx, const UtcMonth& window, std::optional<Id> scope) -> Result<std::vector<DestructionRow>> {
        auto paper = tx.print_copy_events_between(window.start, window.end, scope, CopyEventKind::shredded);
        if (!paper) return fail(paper.error());
        shredded = std::move(*paper);
        auto requests = tx.destruction_requests_between(window.start, window.end, scope);
        if (!requests) return fail(requests.error());
        // A supervision and its log entry share one transaction and one
        // time, so the month's entries hold those of the month's
        // supervisions; a document is destroyed once, so its id finds its
        // entry.
        auto logged = tx.destructions_logged_between(window.start, window.end);
        if (!logged) return fail(logged.error());
        std::map<Id, Id> seq_of;
        for (const auto& entry : *logged) seq_of.emplace(entry.document_id, entry.seq);
        std::vector<DestructionRow> list;
        list.reserve(requests->size());
        for (auto& request : *requests) {
          DestructionRow row{std::move(request), std::nullopt};
          if (row.request.state == DestructionState::supervised) {
            const auto found = seq_of.find(row.request.document_id);
            if (found == seq_of.end()) {
              return fail(ErrorCode::corrupt, "destruction request " + std::to_string(row.request.id) +
                                                  " was supervised but the log holds no destruction of document " +
                                                  std::to_string(row.request.document_id) + " at that time");
            }
            row.seq = found->second;
          }
          list.push_back(std::move(row));
        }
        return list;
      });
  if (!out) return out;
  out->shredded_copies = std::move(shredded);
  return out;
}

}  // namespace custos::vault
