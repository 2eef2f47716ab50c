#include "api_json.hpp"
#include "print_api.hpp"

#include <map>

#include "custos/auditlog/export_file.hpp"

namespace custos::vault::api_json {

namespace json = boost::json;

json::object user(const User& u) {
  json::array roles;
  for (auto role : u.roles.list()) roles.emplace_back(to_string(role));
  json::object o;
  o["id"] = u.id;
  o["name"] = u.name;
  o["display_name"] = u.display_name;
  o["department"] = u.department;
  o["roles"] = std::move(roles);
  o["disabled"] = u.disabled;
  o["created_at"] = format_rfc3339(u.created_at);
  if (u.locked_until > now_seconds()) o["locked_until"] = format_rfc3339(u.locked_until);
  return o;
}

json::object department(const Department& d) {
  return {{"id", d.id}, {"name", d.name}, {"created_at", format_rfc3339(d.created_at)}};
}

json::object document(const Document& d) {
  json::object o;
  o["id"] = d.id;
  o["title"] = d.title;
  o["level"] = to_string(d.level);
  o["department"] = d.department;
  o["filename"] = d.filename;
  o["content_type"] = d.content_type;
  o["size"] = d.size;
  o["version"] = d.version;
  o["uploaded_by"] = d.uploaded_by_name;
  o["created_at"] = format_rfc3339(d.created_at);
  o["state"] = to_string(d.state);
  o["ciphertext_sha256"] = d.ciphertext_sha256;
  return o;
}

json::object grant(const Grant& g, UnixSeconds now) {
  json::object o;
  o["id"] = g.id;
  o["document_id"] = g.document_id;
  o["document_title"] = g.document_title;
  o["grantee"] = g.grantee;
  o["granted_by"] = g.granted_by_name;
  o["access"] = "view_only";
  o["created_at"] = format_rfc3339(g.created_at);
  o["expires_at"] = format_rfc3339(g.expires_at);
  if (g.revoked_at) {
    o["revoked_at"] = format_rfc3339(*g.revoked_at);
    o["revoked_by"] = g.revoked_by_name;
  }
  o["live"] = g.live(now);
  return o;
}

namespace {

// A stored detail as JSON, or, should it not parse, as the stored text.
json::value detail_value(const std::string& detail) {
  boost::system::error_code ec;
  auto parsed = json::parse(detail, ec);
  return ec ? json::value(detail) : std::move(parsed);
}

}  // namespace

json::object audit(const AuditRecord& r) {
  json::object o;
  o["seq"] = r.seq;
  o["time"] = format_rfc3339(r.time);
  o["request_id"] = r.request_id;
  o["actor"] = r.actor;
  o["source"] = r.source;
  o["action"] = r.action;
  o["target"] = r.target;
  o["outcome"] = to_string(r.outcome);
  o["reason"] = r.reason;
  o["detail"] = detail_value(r.detail);
  return o;
}

json::object destruction_request(const DestructionRequest& r) {
  json::object o;
  o["id"] = r.id;
  o["document_id"] = r.document_id;
  o["level"] = to_string(r.level);
  o["department"] = r.department;
  o["requested_by"] = r.requested_by_name;
  o["reason"] = r.reason;
  o["requested_at"] = format_rfc3339(r.requested_at);
  o["state"] = to_string(r.state);
  if (r.decided_at) {
    o["decided_by"] = r.decided_by_name;
    o["decided_at"] = format_rfc3339(*r.decided_at);
  }
  if (!r.decision_reason.empty()) o["decision_reason"] = r.decision_reason;
  return o;
}

json::object destruction_record(const DestructionRecord& r) {
  json::object o{{"seq", r.seq},
                 {"record", detail_value(r.detail)},
                 {"request", destruction_request(r.request)},
                 {"purged", r.purged},
                 {"ciphertext_erased", r.ciphertext_erased}};
  if (r.erase_failure) {
    o["erase_error"] = json::object{{"code", to_string(r.erase_failure->code)}, {"message", r.erase_failure->message}};
  }
  return o;
}

boost::json::object tree_head(const merkle::SignedTreeHead& head) {
  return boost::json::object{{"log_id", hex_encode(head.head.log_id)},
                             {"tree_size", head.head.tree_size},
                             {"root_hash", hex_encode(head.head.root_hash)},
                             {"timestamp", format_rfc3339(head.head.timestamp)},
                             {"signed_head", auditlog::head_to_hex(head)}};
}

boost::json::array hashes(const std::vector<merkle::Hash>& list) {
  boost::json::array out;
  out.reserve(list.size());
  for (const auto& hash : list) out.emplace_back(hex_encode(hash));
  return out;
}

boost::json::object export_plan(const ExportPlan& plan, const merkle::LogId& log_id) {
  const auditlog::ExportHeader header{log_id, plan.start_range, plan.heads};
  return boost::json::object{{"header", auditlog::to_header_line(header)},
                             {"start", plan.start},
                             {"end", plan.end},
                             {"pending", plan.pending}};
}

boost::json::object entries_page(const EntriesPage& page) {
  boost::json::array lines;
  lines.reserve(page.records.size());
  for (std::size_t i = 0; i < page.records.size(); ++i) {
    lines.emplace_back(auditlog::to_json_line(to_log_entry(page.records[i]), &page.leaf_hashes[i]));
  }
  return boost::json::object{{"lines", std::move(lines)}};
}

namespace {

// What every register's answer holds besides its rows.
template <class Row>
json::object register_answer(std::string_view name, const Register<Row>& reg, json::array rows) {
  json::object o;
  o["register"] = name;
  o["month"] = reg.month.text();
  o["from"] = format_rfc3339(reg.month.start);
  o["until"] = format_rfc3339(reg.month.end);
  o["department"] = reg.department ? json::value(*reg.department) : json::value(nullptr);
  o["generated_at"] = format_rfc3339(reg.generated_at);
  o["rows"] = std::move(rows);
  return o;
}

// A copy event as both registers show it: which printout, what became of
// how many copies, who recorded it when, and its log entry.
json::object copy_event(const PrintCopyEvent& e) {
  json::object o;
  o["id"] = e.id;
  o["print_request_id"] = e.request_id;
  o["document_id"] = e.document_id;
  o["level"] = to_string(e.level);
  o["department"] = e.department;
  o["requested_by"] = e.requested_by_name;
  o["kind"] = to_string(e.kind);
  o["copies"] = e.copies;
  o["recorded_by"] = e.recorded_by_name;
  o["recorded_at"] = format_rfc3339(e.recorded_at);
  o["reason"] = e.reason;
  o["seq"] = e.audit_seq;
  return o;
}

}  // namespace

json::object lending_register(const LendingRegister& lending) {
  json::array rows;
  rows.reserve(lending.rows.size());
  for (const auto& row : lending.rows) {
    const auto& g = row.lending.grant;
    // No document title: it may name a customer (docs/auditor-guide.md).
    json::object o;
    o["grant_id"] = g.id;
    o["document_id"] = g.document_id;
    o["level"] = to_string(row.lending.level);
    o["department"] = row.lending.department;
    o["grantee"] = g.grantee;
    o["granted_by"] = g.granted_by_name;
    o["granted_at"] = format_rfc3339(g.created_at);
    o["expires_at"] = format_rfc3339(g.expires_at);
    o["revoked_at"] = g.revoked_at ? json::value(format_rfc3339(*g.revoked_at)) : json::value(nullptr);
    o["revoked_by"] = g.revoked_at ? json::value(g.revoked_by_name) : json::value(nullptr);
    o["status"] = to_string(row.status);
    o["views"] = row.views;
    rows.emplace_back(std::move(o));
  }
  auto answer = register_answer("lending", lending, std::move(rows));
  json::array printouts;
  // Each printout with its own events (printouts are by print time, the
  // events by request, then time).
  std::map<Id, json::array> events;
  for (const auto& e : lending.printout_events) events[e.request_id].emplace_back(copy_event(e));
  for (const auto& p : lending.printouts) {
    auto o = print_request_json(p, lending.generated_at);
    auto found = events.find(p.id);
    o["copy_events"] = found == events.end() ? json::array() : std::move(found->second);
    printouts.emplace_back(std::move(o));
  }
  answer["printouts"] = std::move(printouts);
  return answer;
}

json::object destruction_register(const DestructionRegister& destruction) {
  json::array rows;
  rows.reserve(destruction.rows.size());
  for (const auto& row : destruction.rows) {
    // A request as GET /destruction-requests shows it (no title there
    // either), with its decision's fields present while pending (null), the
    // method, and the log entry of a destruction.
    auto o = destruction_request(row.request);
    for (const char* key : {"decided_by", "decided_at", "decision_reason"}) {
      if (!o.contains(key)) o[key] = nullptr;
    }
    const bool destroyed = row.request.state == DestructionState::supervised;
    o["method"] = destroyed ? json::value("crypto-shred") : json::value(nullptr);
    o["seq"] = row.seq ? json::value(*row.seq) : json::value(nullptr);
    rows.emplace_back(std::move(o));
  }
  auto answer = register_answer("destruction", destruction, std::move(rows));
  json::array paper;
  for (const auto& e : destruction.shredded_copies) {
    auto o = copy_event(e);
    o["method"] = "paper-shred";
    paper.emplace_back(std::move(o));
  }
  answer["shredded_copies"] = std::move(paper);
  return answer;
}

}  // namespace custos::vault::api_json
