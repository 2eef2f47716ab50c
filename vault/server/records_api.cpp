#include "records_api.hpp"

#include "api_support.hpp"

namespace custos::vault {
namespace {

using namespace api_support;

bool query_flag(const ApiRequest& request, const char* key) {
  const auto value = query_text(request, key);
  return value && (*value == "1" || *value == "true" || *value == "yes");
}

json::object import_json(const RecordImport& i) {
  return json::object{{"id", i.id},
                      {"template", i.template_name},
                      {"level", to_string(i.level)},
                      {"department", i.department},
                      {"imported_by", i.imported_by_name},
                      {"imported_at", format_rfc3339(i.imported_at)},
                      {"entry_day", i.entry_day},
                      {"filename", i.filename},
                      {"file_sha256", i.file_sha256},
                      {"rows", i.rows},
                      {"problems", i.problems}};
}

json::object finding_json(const records::Finding& f) {
  return json::object{{"row", f.row}, {"line", f.line}, {"field", f.field}, {"code", records::to_string(f.code)},
                      {"message", f.message}};
}

json::object record_json(const RecordView& view) {
  const auto& r = view.record;
  json::object fields;
  for (const auto& [name, value] : view.fields) fields[name] = value;
  boost::system::error_code ec;
  auto findings = json::parse(r.findings, ec);
  if (ec || !findings.is_array()) findings = json::array();
  return json::object{{"id", r.id},
                      {"import", r.import_id},
                      {"row", r.row},
                      {"template", r.template_name},
                      {"level", to_string(r.level)},
                      {"department", r.department},
                      {"version", r.version},
                      {"state", to_string(r.state)},
                      {"findings", std::move(findings)},
                      {"agent_code", r.agent_code},
                      {"entered_by", r.entered_by_name},
                      {"entered_at", format_rfc3339(r.entered_at)},
                      {"entry_day", r.entry_day},
                      {"updated_at", time_or_null(r.updated_at)},
                      {"masked", view.masked},
                      {"fields", std::move(fields)}};
}

json::object case_json(const SuspiciousCaseRow& c, const std::string& today) {
  json::array ids;
  for (const auto id : c.records) ids.emplace_back(id);
  json::value assigned = nullptr;
  if (c.assigned_to) assigned = json::value(c.assigned_to_name);
  json::value cleared_by = nullptr;
  if (c.cleared_by) cleared_by = json::value(c.cleared_by_name);
  return json::object{{"id", c.id},
                      {"kind", c.kind},
                      {"value", c.masked_value},
                      {"department", c.department},
                      {"entry_day", c.entry_day},
                      {"listed_on", c.listed_on},
                      {"due_on", c.due_on},
                      {"agent_code", c.agent_code},
                      {"assigned_to", std::move(assigned)},
                      {"state", to_string(c.state)},
                      {"overdue", c.state == CaseState::open && c.due_on < today},
                      {"cleared_by", std::move(cleared_by)},
                      {"cleared_at", time_or_null(c.cleared_at)},
                      {"note", c.note},
                      {"evidence", c.evidence},
                      {"records", std::move(ids)}};
}

json::array id_array(const std::vector<Id>& ids) {
  json::array out;
  for (const auto id : ids) out.emplace_back(id);
  return out;
}

json::object staff_json(const ChannelStaff& s) {
  return json::object{{"agent_code", s.agent_code}, {"user", s.user_name}, {"set_at", format_rfc3339(s.set_at)}};
}

}  // namespace

Result<ApiResponse> handle_records(RecordsService& records, Action action, std::optional<Id> id,
                                   std::string_view name, const ApiRequest& request, const Principal& principal, const Origin& origin) {
  switch (action) {
    case Action::records_import: {
      ImportRequest in;
      in.template_name = query_text(request, "template").value_or("");
      in.level = level_from_string(query_text(request, "level").value_or(""));
      in.filename = query_text(request, "filename").value_or("");
      in.csv = request.body;
      auto done = records.import(principal, in, origin);
      if (!done) return fail(done.error());
      json::object out{{"import", import_json(done->import)},
                       {"findings", array_of(done->findings, finding_json)},
                       {"findings_dropped", done->findings_dropped}};
      json::array ignored;
      for (const auto& column : done->ignored_columns) ignored.emplace_back(column);
      out["ignored_columns"] = std::move(ignored);
      return json_response(201, std::move(out));
    }
    case Action::records_list: {
      const bool unmasked = query_flag(request, "unmasked");
      if (!name.empty()) {
        if (!id) return fail(ErrorCode::invalid_argument, "a record id is a positive number");
        auto view = records.show(principal, *id, unmasked, origin);
        if (!view) return fail(view.error());
        return json_response(200, record_json(*view));
      }
      RecordQuery query;
      query.problems_only = query_flag(request, "problems");
      if (const auto import = query_text(request, "import")) {
        const auto parsed = parse_id(*import);
        if (!parsed) return fail(ErrorCode::invalid_argument, "import is a positive number");
        query.import_id = *parsed;
      }
      if (const auto after = query_count(request, "after")) query.after_id = static_cast<Id>(*after);
      if (const auto limit = query_count(request, "limit")) query.limit = static_cast<std::size_t>(*limit);
      auto list = records.list(principal, query, unmasked, origin);
      if (!list) return fail(list.error());
      return json_response(200, json::object{{"records", array_of(*list, record_json)}});
    }
    case Action::records_fix: {
      if (!id) return fail(ErrorCode::invalid_argument, "a record id is a positive number");
      JsonBody body(request.body);
      CUSTOS_TRY_VOID(body.valid());
      const auto* set = body.find("set");
      if (set == nullptr || !set->is_object()) {
        return fail(ErrorCode::invalid_argument, "the body needs \"set\": an object of field names and new values");
      }
      std::map<std::string, std::string> changes;
      for (const auto& [key, value] : set->as_object()) {
        if (!value.is_string()) return fail(ErrorCode::invalid_argument, "every value in \"set\" must be a string");
        changes.emplace(std::string(key), std::string(value.as_string()));
      }
      auto view = records.fix(principal, *id, changes, origin);
      if (!view) return fail(view.error());
      return json_response(200, record_json(*view));
    }
    case Action::records_export: {
      auto done = records.export_records(principal, query_text(request, "template").value_or(""),
                                         query_text(request, "purpose").value_or("records"), origin);
      if (!done) return fail(done.error());
      json::array columns;
      for (const auto& c : done->columns) columns.emplace_back(c);
      json::array rows;
      for (const auto& row : done->rows) {
        json::array cells;
        for (const auto& cell : row) cells.emplace_back(cell);
        rows.emplace_back(std::move(cells));
      }
      return json_response(200, json::object{{"template", done->template_name},
                                             {"purpose", done->purpose},
                                             {"masked", true},
                                             {"columns", std::move(columns)},
                                             {"rows", std::move(rows)}});
    }
    case Action::records_screen: {
      JsonBody body(request.body.empty() ? std::string_view("{}") : std::string_view(request.body));
      CUSTOS_TRY_VOID(body.valid());
      auto through = body.text("through", false);
      if (!through) return fail(through.error());
      std::optional<std::string> day;
      if (!through->empty()) day = *through;
      auto done = records.screen(principal, day, origin);
      if (!done) return fail(done.error());
      return json_response(200, json::object{{"through_day", done->through_day},
                                             {"listed_on", done->listed_on},
                                             {"screened", done->screened},
                                             {"new_cases", id_array(done->new_cases)},
                                             {"joined_cases", id_array(done->joined_cases)},
                                             {"overdue_raised", id_array(done->overdue_raised)}});
    }
    case Action::records_cases: {
      CaseFilter filter = CaseFilter::open;
      const auto date = query_text(request, "date");
      if (date) filter = CaseFilter::listed_on;
      if (query_flag(request, "overdue")) {
        if (date) return fail(ErrorCode::invalid_argument, "give either date or overdue, not both");
        filter = CaseFilter::overdue;
      }
      if (query_flag(request, "all") && !date) filter = CaseFilter::all;
      auto list = records.cases(principal, filter, date, origin);
      if (!list) return fail(list.error());
      const auto today = records.day_of(origin.now).to_string();
      json::array out;
      for (const auto& c : *list) out.emplace_back(case_json(c, today));
      return json_response(200, json::object{{"today", today}, {"cases", std::move(out)}});
    }
    case Action::records_case_clear: {
      if (!id) return fail(ErrorCode::invalid_argument, "a case id is a positive number");
      JsonBody body(request.body);
      CUSTOS_TRY_VOID(body.valid());
      auto note = body.text("note");
      if (!note) return fail(note.error());
      auto evidence = body.text("evidence");
      if (!evidence) return fail(evidence.error());
      auto cleared = records.clear_case(principal, *id, *note, *evidence, origin);
      if (!cleared) return fail(cleared.error());
      return json_response(200, case_json(*cleared, records.day_of(origin.now).to_string()));
    }
    case Action::records_channel_set: {
      JsonBody body(request.body);
      CUSTOS_TRY_VOID(body.valid());
      auto code = body.text("agent_code");
      if (!code) return fail(code.error());
      auto user = body.text("user");
      if (!user) return fail(user.error());
      auto set = records.set_channel_staff(principal, *code, *user, origin);
      if (!set) return fail(set.error());
      return json_response(200, staff_json(*set));
    }
    case Action::records_channel_list: {
      auto list = records.channel_staff(principal, origin);
      if (!list) return fail(list.error());
      return json_response(200, json::object{{"channels", array_of(*list, staff_json)}});
    }
    default:
      return fail(ErrorCode::not_found, "no such API endpoint");
  }
}

}  // namespace custos::vault
