// custos destroy request|supervise|refuse|list|certificate|verify: supervised
// destruction of delivered files (crypto-shredding). A project lead or a
// granted clerk asks, another project lead of the department supervises or
// refuses; the supervision's certificate verifies offline.
#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/auditlog/certificate.hpp"
#include "custos/platform/files.hpp"
#include "log_trust.hpp"

namespace custos::cli {
namespace json = boost::json;

namespace {

struct DestroyArgs {
  long long id = 0;
  std::string reason, state;
  Format format = Format::text;
  std::filesystem::path certificate, pubkey;
};
DestroyArgs a;

// POSTs {"reason": …} to `target`; prints the answer as JSON, or as `say` words it.
template <class Say>
int post_reason(std::string_view what, const std::string& target, Say say) {
  const json::value body(json::object{{"reason", a.reason}});
  return call_vault(what, "POST", target, &body, [&](const json::value& r) {
    if (a.format == Format::json) return print_json(r);
    say(r);
  });
}

// The vault takes 1 to 500 bytes; checked here too so that a bad reason is
// bad usage (exit 2) before anything is sent.
CLI::Validator reason_length() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        return text.empty() || text.size() > 500 ? "a reason has 1 to 500 bytes" : std::string();
      },
      "TEXT(1-500 bytes)");
}

std::vector<std::string> request_row(const json::value& r) {
  return {text_of(r, "id"), text_of(r, "document_id"), text_of(r, "level"), text_of(r, "department"),
          text_of(r, "requested_by"), text_of(r, "requested_at"), text_of(r, "state"), text_of(r, "decided_by"),
          text_of(r, "decided_at")};
}

// Writes the certificate text of an answer to `path` (0644: it holds no
// customer content, only keyed hashes); a note when there is none.
void write_certificate(const json::value& answer, const std::filesystem::path& path) {
  const auto text = text_of(answer, "certificate");
  if (text.empty()) {
    std::cerr << "custos: note: no certificate yet (" << text_of(answer, "certificate_error")
              << "); an auditor can fetch it later: custos destroy certificate " << text_of(answer, "seq") << "\n";
    return;
  }
  if (auto written = files::write_atomic(path, text, 0644); !written) {
    std::cerr << "custos: note: could not write the certificate: " << written.error().message << "\n";
    return;
  }
  // In JSON mode standard output holds the answer alone.
  (a.format == Format::json ? std::cerr : std::cout)
      << "certificate written to " << path.string() << " (custos destroy verify " << path.string()
      << " --pubkey vault.pub)\n";
}

int verify_certificate_file(const std::filesystem::path& file, const std::filesystem::path& pubkey, Format format) {
  constexpr const char* what = "destroy verify";
  auto key = read_public_key(pubkey);
  if (!key) return report(key.error(), what);
  auto text = files::read_text(file);
  if (!text) return report(text.error(), what);
  auto certificate = auditlog::parse_certificate(*text);
  auto verified = certificate ? auditlog::verify_certificate(*certificate, *key) : Result<void>(fail(certificate.error()));
  if (format == Format::json) {
    json::object o{{"ok", verified.has_value()}};
    if (!verified) o["error"] = json::object{{"code", to_string(verified.error().code)}, {"message", verified.error().message}};
    if (certificate) {
      boost::system::error_code ec;
      o["seq"] = certificate->entry.seq;
      o["tree_size"] = certificate->head.head.tree_size;
      o["record"] = json::parse(certificate->entry.detail, ec);
    }
    print_json(o);
    return verified ? kExitOk : kExitRefused;
  }
  if (!verified) {
    std::cerr << "custos: " << what << ": " << file.string() << ": " << verified.error().message << "\n";
    return kExitRefused;
  }
  std::cout << "verified: log entry " << certificate->entry.seq << " (a supervised destruction) is in the vault's "
            << "signed log of " << certificate->head.head.tree_size << " entries\n";
  boost::system::error_code ec;
  const auto record = json::parse(certificate->entry.detail, ec);
  if (!ec && record.is_object()) {
    for (const auto& [key_name, value] : record.as_object()) {
      std::cout << "  " << std::string_view(key_name) << ": " << (value.is_string() ? std::string(value.as_string())
                                                                                  : json::serialize(value))
                << "\n";
    }
  }
  return kExitOk;
}

// What a supervision answered: the destruction record and the seq of its
// audit log entry, and the certificate made of them.
void show_destruction(const json::value& answer) {
  if (text_of(answer, "ciphertext_erased") == "no") {
    const auto* failure = answer.is_object() ? answer.as_object().if_contains("erase_error") : nullptr;
    std::cerr << "custos: warning: the key is destroyed, but the vault could not yet overwrite and remove the "
                 "document's ciphertext file"
              << (failure != nullptr ? " (" + text_of(*failure, "message") + ")" : std::string())
              << "; it retries when it next starts, tell its administrator\n";
  }
  if (text_of(answer, "purged") != "yes") {
    std::cerr << "custos: note: the vault could not yet empty its write-ahead log; the old pages go at its next "
                 "checkpoint, at the latest when it stops\n";
  }
  const auto& record = answer.at("record");
  std::cout << "destroyed document " << text_of(record, "document") << " (" << text_of(record, "level")
            << ") by crypto-shredding; destruction record at audit seq " << text_of(answer, "seq") << "\n";
  for (const char* key : {"title_hash", "reason", "requester", "supervisor", "requested_at", "destroyed_at",
                          "method", "ciphertext_sha256"}) {
    std::cout << "  " << key << ": " << text_of(record, key) << "\n";
  }
}

}  // namespace

void add_destroy_commands(CLI::App& app, Action& action) {
  auto* destroy = app.add_subcommand("destroy", "Supervised destruction of documents (crypto-shredding)");
  destroy->require_subcommand(1);

  auto* request = destroy->add_subcommand(
      "request", "Ask for a document's destruction (project lead of its department, or a clerk with a live grant)");
  request->add_option("document", a.id, "Document id")->required()->check(CLI::PositiveNumber);
  request->add_option("--reason", a.reason, "Why, e.g. 'records built and confirmed'")->required()->check(reason_length());
  add_format_option(request, a.format);
  request->callback([&action] {
    action = [] {
      return post_reason("destroy request", "/api/v1/documents/" + std::to_string(a.id) + "/destruction-requests",
                         [](const json::value& r) {
                           std::cout << "destruction request " << text_of(r, "id") << " for document "
                                     << text_of(r, "document_id") << " is pending; another project lead of "
                                     << text_of(r, "department") << " decides it (custos destroy supervise "
                                     << text_of(r, "id") << ")\n";
                         });
    };
  });

  auto* supervise = destroy->add_subcommand(
      "supervise", "Supervise a pending request: the document is destroyed (a project lead other than the requester)");
  supervise->add_option("request", a.id, "Destruction request id (see custos destroy list)")
      ->required()->check(CLI::PositiveNumber);
  supervise->add_option("--certificate", a.certificate,
                         "Where to write the destruction certificate (default destruction-REQUEST.cert.json)");
  add_format_option(supervise, a.format);
  supervise->callback([&action] {
    action = [] {
      return call_vault("destroy supervise", "POST", "/api/v1/destruction-requests/" + std::to_string(a.id) + "/supervise",
                        nullptr, [](const json::value& r) {
                          const auto path = a.certificate.empty()
                                                ? std::filesystem::path("destruction-" + std::to_string(a.id) + ".cert.json")
                                                : a.certificate;
                          if (a.format == Format::json) {
                            print_json(r);
                          } else {
                            show_destruction(r);
                          }
                          write_certificate(r, path);
                        });
    };
  });

  auto* certificate = destroy->add_subcommand(
      "certificate", "Fetch the certificate of a destruction by its log entry (auditor)");
  certificate->add_option("seq", a.id, "The destruction's audit log entry (seq)")->required()->check(CLI::PositiveNumber);
  certificate->add_option("--output,-o", a.certificate, "File to write (default destruction-SEQ.cert.json)");
  certificate->callback([&action] {
    action = [] {
      return call_vault("destroy certificate", "GET", "/api/v1/log/certificate?seq=" + std::to_string(a.id), nullptr,
                        [](const json::value& r) {
                          write_certificate(r, a.certificate.empty() ? std::filesystem::path("destruction-" +
                                                                            std::to_string(a.id) + ".cert.json")
                                                                      : a.certificate);
                        });
    };
  });

  auto* verify = destroy->add_subcommand("verify", "Verify a destruction certificate offline with the vault's public key");
  verify->add_option("CERT", a.certificate, "The certificate file")->required();
  verify->add_option("--pubkey", a.pubkey, "The vault's public key file (keys/signing.pub)")->required();
  add_format_option(verify, a.format);
  verify->callback([&action] { action = [] { return verify_certificate_file(a.certificate, a.pubkey, a.format); }; });

  auto* refuse = destroy->add_subcommand("refuse", "Refuse a pending request; the document stays as it is");
  refuse->add_option("request", a.id, "Destruction request id")->required()->check(CLI::PositiveNumber);
  refuse->add_option("--reason", a.reason, "Why it is refused")->required()->check(reason_length());
  add_format_option(refuse, a.format);
  refuse->callback([&action] {
    action = [] {
      return post_reason("destroy refuse", "/api/v1/destruction-requests/" + std::to_string(a.id) + "/refuse",
                         [](const json::value& r) {
                           std::cout << "refused destruction request " << text_of(r, "id") << "; document "
                                     << text_of(r, "document_id") << " is kept\n";
                         });
    };
  });

  auto* list = destroy->add_subcommand("list", "List destruction requests (project lead: own department; auditor: all)");
  list->add_option("--state", a.state, "Only pending, supervised or refused requests")
      ->check(CLI::IsMember({"pending", "supervised", "refused"}));
  add_format_option(list, a.format);
  list->callback([&action] {
    action = [] {
      std::string target = "/api/v1/destruction-requests";
      if (!a.state.empty()) target += "?state=" + url_encode(a.state);
      return call_vault("destroy list", "GET", target, nullptr, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& item : r.at("requests").as_array()) rows.push_back(request_row(item));
        print_table({"REQUEST", "DOCUMENT", "LEVEL", "DEPARTMENT", "REQUESTED BY", "REQUESTED", "STATE", "DECIDED BY",
                     "DECIDED"},
                    rows);
      });
    };
  });
}

}  // namespace custos::cli
