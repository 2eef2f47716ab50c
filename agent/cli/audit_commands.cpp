// custos audit: the auditor's commands. `list` filters the records; `head`,
// `export`, `verify`, `consistency` and `hash` work with the tamper-evident
// log (docs/audit-log.md, docs/auditor-guide.md).
#include <boost/json.hpp>
#include <array>
#include <charconv>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/auditlog/export_file.hpp"
#include "custos/records/csv_reader.hpp"
#include "custos/report/csv_writer.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/files.hpp"
#include "custos/platform/timestamp.hpp"
#include "log_trust.hpp"

namespace custos::cli {
namespace {

namespace json = boost::json;

std::string n(std::uint64_t value) { return std::to_string(value); }

// The CSV form of an export (docs/audit-log.md, "The export file"): the
// header line in a record of its own, a heading record, then one record per
// entry with its fields exactly as in the log. A value that begins with a
// character a spreadsheet would run as a formula — or with the apostrophe
// itself — gets one leading apostrophe, which the verifier removes: the
// guard is reversible, so the CSV verifies like the JSON lines.
constexpr std::array<const char*, 12> kCsvColumns = {"seq",    "time",   "request_id", "actor_id",
                                                     "actor",  "source", "action",     "target",
                                                     "outcome", "reason", "detail",     "leaf_hash"};

std::string guarded(std::string_view value) {
  if (!value.empty() && std::string_view("=+-@\t\r'").find(value.front()) != std::string_view::npos) {
    return "'" + std::string(value);
  }
  return std::string(value);
}

std::string_view unguarded(std::string_view cell) {
  if (cell.size() >= 2 && cell.front() == '\'' &&
      std::string_view("=+-@\t\r'").find(cell[1]) != std::string_view::npos) {
    cell.remove_prefix(1);
  }
  return cell;
}

std::string csv_record(const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += report::csv_field(guarded(cells[i]));
  }
  return out + "\r\n";
}

// One export line as a CSV record (the line is canonical, from the vault).
Result<std::string> line_to_csv(std::string_view line) {
  auto parsed = auditlog::parse_json_line(line);
  if (!parsed) return fail(ErrorCode::corrupt, "the vault sent an entry that is not canonical");
  const auto& e = parsed->entry;
  return csv_record({n(e.seq), std::to_string(e.time), e.request_id, e.actor_id == 0 ? "" : n(e.actor_id), e.actor,
                     e.source, e.action, e.target, e.allowed ? "allowed" : "refused", e.reason, e.detail,
                     parsed->leaf_hash ? hex_encode(*parsed->leaf_hash) : ""});
}

// A CSV entry record back as its canonical line; "" when it cannot be one
// (the verifier then reports that line as not canonical).
std::string csv_to_line(const records::CsvReader& reader) {
  if (reader.field_count() != kCsvColumns.size()) return {};
  auditlog::Entry e;
  const auto field = [&](std::size_t i) { return unguarded(reader.field(i)); };
  const auto number = [](std::string_view text, auto& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
  };
  if (!number(field(0), e.seq) || !number(field(1), e.time)) return {};
  if (!field(3).empty() && !number(field(3), e.actor_id)) return {};
  e.request_id = field(2);
  e.actor = field(4);
  e.source = field(5);
  e.action = field(6);
  e.target = field(7);
  if (field(8) != "allowed" && field(8) != "refused") return {};
  e.allowed = field(8) == "allowed";
  e.reason = field(9);
  e.detail = field(10);
  auto hash = hex_decode(field(11));
  if (!hash || hash->size() != 32) return auditlog::to_json_line(e);
  merkle::Hash recorded;
  std::copy(hash->begin(), hash->end(), recorded.begin());
  return auditlog::to_json_line(e, &recorded);
}

// The vault's current head, checked against (and saved over) the one kept.
Result<TrustedHead> fetch_checked_head(vault::VaultClient& client) {
  auto answer = client.call("GET", "/api/v1/log/head");
  if (!answer) return fail(answer.error());
  auto head = head_from_answer(*answer);
  if (!head) return fail(head.error());
  auto note = check_and_save_head(client, *head);
  if (!note) return fail(note.error());
  if (!note->empty()) std::cerr << "custos: " << *note << "\n";
  return head;
}

int audit_head(Format format) {
  auto client = logged_in_client();
  if (!client) return report(client.error(), "audit head");
  auto head = fetch_checked_head(*client);
  if (!head) return report(head.error(), "audit head");
  const auto& h = head->head.head;
  if (format == Format::json) {
    print_json(json::object{{"log_id", hex_encode(h.log_id)},
                            {"public_key", head->key.to_string()},
                            {"tree_size", h.tree_size},
                            {"root_hash", hex_encode(h.root_hash)},
                            {"timestamp", format_rfc3339(h.timestamp)},
                            {"signed_head", auditlog::head_to_hex(head->head)}});
  } else {
    std::cout << "log " << hex_encode(h.log_id) << "\n"
              << "entries " << h.tree_size << "\nroot " << hex_encode(h.root_hash) << "\nsigned "
              << format_rfc3339(h.timestamp) << "\nconsistent with the head saved in " << heads_dir().string()
              << "\n";
  }
  return kExitOk;
}

int audit_export(const std::string& since, const std::string& until, std::filesystem::path output, bool csv) {
  constexpr const char* what = "audit export";
  std::string query;
  for (auto [key, value] : {std::pair{"since", &since}, std::pair{"until", &until}}) {
    if (value->empty()) continue;
    if (auto parsed = parse_time(*value); !parsed) return report(parsed.error(), what);
    query += (query.empty() ? "?" : "&") + std::string(key) + "=" + url_encode(*value);
  }
  auto client = logged_in_client();
  if (!client) return report(client.error(), what);
  if (auto head = fetch_checked_head(*client); !head) return report(head.error(), what);
  auto plan = client->call("GET", "/api/v1/log/export" + query);
  if (!plan) return report(plan.error(), what);
  const auto start = plan->at("start").to_number<std::uint64_t>();
  const auto end = plan->at("end").to_number<std::uint64_t>();
  const auto pending = plan->at("pending").to_number<std::uint64_t>();
  if (output.empty()) output = "audit-" + n(start + 1) + "-" + n(end) + (csv ? ".csv" : ".jsonl");
  // Written beside the target and renamed at the end: an interrupted export
  // leaves no file that looks complete.
  const auto partial = std::filesystem::path(output.string() + ".part");
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) return report(Error{ErrorCode::io, "cannot write " + partial.string()}, what);
    if (csv) {
      out << report::kUtf8Bom << csv_record({text_of(*plan, "header")})
          << csv_record(std::vector<std::string>(kCsvColumns.begin(), kCsvColumns.end()));
    } else {
      out << text_of(*plan, "header") << '\n';
    }
    constexpr std::uint64_t kPage = 10000;
    for (std::uint64_t at = start; at < end; at += kPage) {
      const auto to = std::min(end, at + kPage);
      auto page = client->call("GET", "/api/v1/log/entries?start=" + n(at) + "&end=" + n(to));
      if (!page) {
        out.close();
        std::filesystem::remove(partial);
        return report(page.error(), what);
      }
      for (const auto& line : page->at("lines").as_array()) {
        if (!csv) {
          out << std::string_view(line.as_string()) << '\n';
          continue;
        }
        auto record = line_to_csv(std::string_view(line.as_string()));
        if (!record) {
          out.close();
          std::filesystem::remove(partial);
          return report(record.error(), what);
        }
        out << *record;
      }
    }
    out.flush();
    if (!out) {
      std::filesystem::remove(partial);
      return report(Error{ErrorCode::io, "writing " + partial.string() + " failed"}, what);
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, output, ec);
  if (ec) return report(Error{ErrorCode::io, "cannot rename " + partial.string() + ": " + ec.message()}, what);
  std::cout << "wrote entries " << start + 1 << " to " << end << " of the audit log to " << output.string() << "\n";
  if (pending > 0) {
    std::cout << pending << " newer entr" << (pending == 1 ? "y is" : "ies are")
              << " not under a signed head yet; a later export will hold them\n";
  }
  return kExitOk;
}

int audit_verify(const std::filesystem::path& file, const std::filesystem::path& pubkey_file, Format format) {
  constexpr const char* what = "audit verify";
  auto key = read_public_key(pubkey_file);
  if (!key) return report(key.error(), what);
  std::ifstream in(file, std::ios::binary);
  if (!in) return report(Error{ErrorCode::not_found, "cannot read " + file.string()}, what);
  // The head this auditor saw before, when it belongs to this log: an export
  // that contradicts it fails.
  auto saved = load_saved_head_for(*key);
  if (!saved) return report(saved.error(), what);
  std::vector<merkle::SignedTreeHead> trusted;
  if (*saved) trusted.push_back((*saved)->head);
  std::string line;
  std::getline(in, line);
  const bool csv = line.starts_with(report::kUtf8Bom);
  std::unique_ptr<records::ByteSource> source;
  std::optional<records::CsvReader> reader;
  if (csv) {
    // An export line may be long (a header with thousands of heads).
    records::CsvLimits limits;
    limits.max_field_bytes = limits.max_record_bytes = 256 << 20;
    auto opened = records::open_file_source(file);
    if (!opened) return report(opened.error(), what);
    source = std::move(*opened);
    reader.emplace(*source, limits);
    auto first = reader->next();
    line = first && *first && reader->field_count() == 1 ? std::string(reader->field(0)) : std::string();
    auto headings = reader->next();
    if (!headings || !*headings || reader->field_count() != kCsvColumns.size()) line.clear();
  }
  auto verifier = auditlog::ExportFileVerifier::begin(line, *key, trusted);
  if (!verifier) {
    std::cerr << "custos: " << what << ": " << file.string() << ": " << verifier.error().message << "\n";
    return kExitRefused;
  }
  if (csv) {
    for (;;) {
      auto more = reader->next();
      if (!more) {
        std::cerr << "custos: " << what << ": " << file.string() << ": " << more.error().message << "\n";
        return kExitRefused;
      }
      if (!*more || !verifier->add_line(csv_to_line(*reader))) break;
    }
  } else {
    // Lines are read and hashed on every core, a batch at a time; the tree
    // is fed in order.
    const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
    std::vector<std::string> batch;
    bool going = true;
    while (going) {
      batch.clear();
      while (batch.size() < 16384 && std::getline(in, line)) batch.push_back(std::move(line));
      if (batch.empty()) break;
      going = verifier->add_lines(batch, threads);
    }
  }
  const auto verdict = verifier->finish();
  if (format == Format::json) {
    json::object o{{"ok", verdict.ok()},
                   {"first_seq", verdict.start + 1},
                   {"last_seq", verdict.end},
                   {"verified_through", verdict.verified_through},
                   {"heads_checked", verdict.heads_checked}};
    if (verdict.error) {
      o["error"] = json::object{{"code", to_string(verdict.error->code)}, {"message", verdict.error->message}};
    }
    if (verdict.bad_seq) o["bad_seq"] = *verdict.bad_seq;
    print_json(o);
  } else if (verdict.ok()) {
    std::cout << "verified: entries " << verdict.start + 1 << " to " << verdict.end << " against "
              << verdict.heads_checked << " signed head" << (verdict.heads_checked == 1 ? "" : "s");
    if (verdict.last_head) std::cout << "; last head " << hex_encode(verdict.last_head->head.root_hash);
    std::cout << "\n";
  } else {
    std::cerr << "custos: " << what << ": " << file.string() << ": " << verdict.error->message << "\n";
  }
  return verdict.ok() ? kExitOk : kExitRefused;
}

// A head from a file: the JSON `custos audit head --format json` prints (or
// a saved head), or the bare hex of its encoding.
Result<TrustedHead> read_head_file(const std::filesystem::path& file, const PublicKey& key) {
  auto text = files::read_text(file);
  if (!text) return fail(text.error());
  std::string hex = *text;
  boost::system::error_code ec;
  const auto value = json::parse(*text, ec);
  if (!ec && value.is_object()) hex = text_of(value, "signed_head");
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ')) hex.pop_back();
  auto head = auditlog::head_from_hex(hex);
  if (!head) return fail(ErrorCode::invalid_argument, file.string() + " holds no signed tree head");
  if (auto verified = merkle::verify_tree_head(*head, key); !verified) {
    return fail(ErrorCode::crypto, file.string() + ": the head is not signed by this key");
  }
  return TrustedHead{*head, key};
}

int audit_consistency(const std::filesystem::path& old_file, const std::filesystem::path& new_file,
                      const std::filesystem::path& pubkey_file) {
  constexpr const char* what = "audit consistency";
  auto key = read_public_key(pubkey_file);
  if (!key) return report(key.error(), what);
  auto older = read_head_file(old_file, *key);
  if (!older) return report(older.error(), what);
  auto newer = read_head_file(new_file, *key);
  if (!newer) return report(newer.error(), what);
  const auto from = older->head.head.tree_size, to = newer->head.head.tree_size;
  std::vector<merkle::Hash> path;
  if (from < to && from > 0) {
    auto client = logged_in_client();
    if (!client) return report(client.error(), what);
    auto fetched = fetch_consistency_path(*client, from, to);
    if (!fetched) return report(fetched.error(), what);
    path = std::move(*fetched);
  }
  if (auto extends = merkle::verify_head_extends(older->head, newer->head, path, *key); !extends) {
    return report(extends.error(), what);
  }
  std::cout << "consistent: the log of " << to << " entries extends the log of " << from << " entries\n";
  return kExitOk;
}

}  // namespace

void add_audit_commands(CLI::App& app, Action& action) {
  static std::string user, what, target, outcome, since, until;
  static long long after = 0;
  static int limit = 100;
  static Format format = Format::text;
  auto* audit = app.add_subcommand("audit", "The audit log (auditor)");
  audit->require_subcommand(1);
  auto* list = audit->add_subcommand("list", "List audit events, oldest first");
  list->add_option("--user", user, "Only events of this actor");
  list->add_option("--action", what, "Only this action, e.g. document.content, session.login");
  list->add_option("--target", target, "Only this target, e.g. document:12, user:clerk1");
  list->add_option("--outcome", outcome, "allowed or refused")->check(CLI::IsMember({"allowed", "refused"}));
  list->add_option("--since", since, "From this time: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  list->add_option("--until", until, "Before this time");
  list->add_option("--after", after, "Only events after this sequence number (for paging)")->check(CLI::NonNegativeNumber);
  list->add_option("--limit", limit, "At most this many events (1-10000)")->check(CLI::Range(1, 10000));
  add_format_option(list, format);
  list->callback([&action] {
    action = [] {
      for (const auto* time : {&since, &until}) {
        if (!time->empty()) {
          if (auto parsed = parse_time(*time); !parsed) return report(parsed.error(), "audit list");
        }
      }
      std::string target_url = "/api/v1/audit?limit=" + std::to_string(limit);
      auto add = [&](const char* key, const std::string& value) {
        if (!value.empty()) target_url += std::string("&") + key + "=" + url_encode(value);
      };
      add("actor", user);
      add("action", what);
      add("target", target);
      add("outcome", outcome);
      add("since", since);
      add("until", until);
      if (after > 0) add("after", std::to_string(after));
      return call_vault("audit list", "GET", target_url, nullptr, [](const boost::json::value& r) {
        if (format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& e : r.at("events").as_array()) {
          rows.push_back({text_of(e, "seq"), text_of(e, "time"), text_of(e, "actor"), text_of(e, "source"),
                          text_of(e, "action"), text_of(e, "target"), text_of(e, "outcome"), text_of(e, "reason")});
        }
        print_table({"SEQ", "TIME", "ACTOR", "SOURCE", "ACTION", "TARGET", "OUTCOME", "REASON"}, rows);
      });
    };
  });

  static Format head_format = Format::text;
  auto* head = audit->add_subcommand("head", "Show the log's latest signed tree head, checked against the saved one");
  add_format_option(head, head_format);
  head->callback([&action] { action = [] { return audit_head(head_format); }; });

  static std::string export_since, export_until, export_format = "jsonl";  // or csv
  static std::filesystem::path export_output;
  auto* exp = audit->add_subcommand("export", "Write the log's entries with the heads and proofs to verify them");
  exp->add_option("--since", export_since, "From this time: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  exp->add_option("--until", export_until, "Before this time (the export runs to the next signed head)");
  exp->add_option("--format", export_format, "jsonl, or csv for spreadsheets (both verify)")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  exp->add_option("--output,-o", export_output, "File to write (default audit-FIRST-LAST.jsonl or .csv)");
  exp->callback([&action] {
    action = [] { return audit_export(export_since, export_until, export_output, export_format == "csv"); };
  });

  static std::filesystem::path verify_file, verify_key;
  static Format verify_format = Format::text;
  auto* verify = audit->add_subcommand("verify", "Verify an export offline with the vault's public key");
  verify->add_option("EXPORT", verify_file, "The export file")->required();
  verify->add_option("--pubkey", verify_key, "The vault's public key file (keys/signing.pub)")->required();
  add_format_option(verify, verify_format);
  verify->callback([&action] { action = [] { return audit_verify(verify_file, verify_key, verify_format); }; });

  static std::filesystem::path old_head, new_head, consistency_key;
  auto* consistency = audit->add_subcommand("consistency", "Prove the log of NEW_HEAD extends the log of OLD_HEAD");
  consistency->add_option("OLD_HEAD", old_head, "A saved head (custos audit head --format json)")->required();
  consistency->add_option("NEW_HEAD", new_head, "A later head")->required();
  consistency->add_option("--pubkey", consistency_key, "The vault's public key file (keys/signing.pub)")->required();
  consistency->callback([&action] { action = [] { return audit_consistency(old_head, new_head, consistency_key); }; });

  static std::string hash_value;
  auto* hash = audit->add_subcommand("hash", "The keyed hash under which a customer value appears in the log");
  hash->add_option("VALUE", hash_value, "A customer name, ID number, phone number or document title")->required();
  hash->callback([&action] {
    action = [] {
      const json::value body = json::object{{"value", hash_value}};
      return call_vault("audit hash", "POST", "/api/v1/audit/hash", &body,
                        [](const json::value& r) { std::cout << text_of(r, "hash") << "\n"; });
    };
  });
}

}  // namespace custos::cli
