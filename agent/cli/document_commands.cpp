// custos doc upload|list|show|grant|revoke|grants (and, in test builds only, cat)
#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/platform/json_text.hpp"
#include "custos/platform/timestamp.hpp"

namespace custos::cli {
namespace json = boost::json;

namespace {

struct DocArgs {
  std::filesystem::path file;
  std::string title, level, department, content_type, user, until;
  long long id = 0;
  Format format = Format::text;
  std::filesystem::path out;
};

std::vector<std::string> document_row(const json::value& d) {
  return {text_of(d, "id"), text_of(d, "title"), text_of(d, "level"), text_of(d, "department"),
          text_of(d, "size"), text_of(d, "uploaded_by"), text_of(d, "created_at")};
}

std::vector<std::string> grant_row(const json::value& g) {
  std::string state = text_of(g, "live") == "yes" ? "live" : (text_of(g, "revoked_at").empty() ? "expired" : "revoked");
  return {text_of(g, "id"), text_of(g, "document_id"), text_of(g, "document_title"), text_of(g, "grantee"),
          text_of(g, "expires_at"), state};
}

std::string guess_content_type(const std::filesystem::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".pdf") return "application/pdf";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".csv") return "text/csv; charset=utf-8";
  if (ext == ".xlsx") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  return "application/octet-stream";
}

}  // namespace

void add_document_commands(CLI::App& app, Action& action) {
  static DocArgs a;
  auto* doc = app.add_subcommand("doc", "Delivered customer files");
  doc->require_subcommand(1);

  auto* upload = doc->add_subcommand("upload", "Upload a delivered file, encrypted at rest (project lead)");
  upload->add_option("file", a.file, "The file to upload")->required()->check(CLI::ExistingFile);
  upload->add_option("--title", a.title, "Title shown in lists")->required();
  upload->add_option("--level", a.level, "Classification: secret, confidential or top_secret")
      ->required()->check(CLI::IsMember({"secret", "confidential", "top_secret"}));
  upload->add_option("--department", a.department, "Department (default: your own)");
  upload->add_option("--content-type", a.content_type, "Media type (default: from the file name)");
  upload->callback([&action] {
    action = [] {
      auto client = logged_in_client();
      if (!client) return report(client.error(), "upload");
      std::string target = "/api/v1/documents?title=" + vault::url_encode(a.title) + "&level=" +
                           vault::url_encode(a.level) + "&filename=" +
                           vault::url_encode(to_printable_text(a.file.filename().string()));
      if (!a.department.empty()) target += "&department=" + vault::url_encode(a.department);
      auto result = client->upload(target, a.file, a.content_type.empty() ? guess_content_type(a.file) : a.content_type);
      if (!result) return report(result.error(), "upload");
      std::cout << "uploaded document " << text_of(*result, "id") << " (" << text_of(*result, "size") << " bytes, "
                << text_of(*result, "level") << ")\n";
      return kExitOk;
    };
  });

  auto* list = doc->add_subcommand("list", "List documents you may see");
  add_format_option(list, a.format);
  list->callback([&action] {
    action = [] {
      return call_vault("doc list", "GET", "/api/v1/documents", nullptr, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& d : r.at("documents").as_array()) rows.push_back(document_row(d));
        print_table({"ID", "TITLE", "LEVEL", "DEPARTMENT", "BYTES", "UPLOADED BY", "CREATED"}, rows);
      });
    };
  });

  auto* show = doc->add_subcommand("show", "Show one document's metadata");
  show->add_option("id", a.id, "Document id")->required()->check(CLI::PositiveNumber);
  add_format_option(show, a.format);
  show->callback([&action] {
    action = [] {
      return call_vault("doc show", "GET", "/api/v1/documents/" + std::to_string(a.id), nullptr, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        for (const char* key : {"id", "title", "level", "department", "filename", "content_type", "size", "uploaded_by",
                                "created_at", "ciphertext_sha256"}) {
          std::cout << key << ": " << text_of(r, key) << "\n";
        }
      });
    };
  });

  auto* grant = doc->add_subcommand("grant", "Let a user view a document until a date (view only)");
  grant->add_option("id", a.id, "Document id")->required()->check(CLI::PositiveNumber);
  grant->add_option("--to", a.user, "The user who may view it")->required();
  grant->add_option("--until", a.until, "End of the grant: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")->required();
  grant->callback([&action] {
    action = [] {
      if (auto parsed = parse_time(a.until); !parsed) return report(parsed.error(), "grant");
      const json::value body(json::object{{"user", a.user}, {"until", a.until}});
      return call_vault("grant", "POST", "/api/v1/documents/" + std::to_string(a.id) + "/grants", &body,
                        [](const json::value& r) {
                          std::cout << "grant " << text_of(r, "id") << ": " << text_of(r, "grantee")
                                    << " may view document " << text_of(r, "document_id") << " until "
                                    << text_of(r, "expires_at") << " (view only)\n";
                        });
    };
  });

  auto* revoke = doc->add_subcommand("revoke", "Revoke a grant");
  revoke->add_option("grant", a.id, "Grant id (see custos doc grants DOC)")->required()->check(CLI::PositiveNumber);
  revoke->callback([&action] {
    action = [] {
      return call_vault("revoke", "DELETE", "/api/v1/grants/" + std::to_string(a.id), nullptr, [](const json::value& r) {
        std::cout << "revoked grant " << text_of(r, "id") << " (" << text_of(r, "grantee") << ")\n";
      });
    };
  });

  auto* grants = doc->add_subcommand("grants", "List a document's grants, or without an id your own live grants");
  grants->add_option("id", a.id, "Document id")->check(CLI::PositiveNumber);
  add_format_option(grants, a.format);
  grants->callback([&action] {
    action = [] {
      const std::string target =
          a.id > 0 ? "/api/v1/documents/" + std::to_string(a.id) + "/grants" : std::string("/api/v1/grants/mine");
      return call_vault("grants", "GET", target, nullptr, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& g : r.at("grants").as_array()) rows.push_back(grant_row(g));
        print_table({"GRANT", "DOCUMENT", "TITLE", "GRANTEE", "UNTIL", "STATE"}, rows);
      });
    };
  });

#ifdef CUSTOS_TESTONLY_PLAINTEXT_DOWNLOAD
  // TEST BUILDS ONLY: writes decrypted customer content to a file. Release
  // builds do not contain this command; people see content in the viewer.
  auto* cat = doc->add_subcommand("cat-testonly", "TEST BUILD ONLY: write a document's plaintext to a file");
  cat->add_option("id", a.id, "Document id")->required()->check(CLI::PositiveNumber);
  cat->add_option("--out", a.out, "Output file")->required();
  cat->callback([&action] {
    action = [] {
      auto client = logged_in_client();
      if (!client) return report(client.error(), "cat");
      // Content needs an enrolled agent's credential; test builds take one
      // from the environment (on a workstation the agent holds it).
      if (const char* credential = std::getenv("CUSTOS_AGENT_CREDENTIAL"); credential != nullptr) {
        client->set_agent_credential(Secret::from_string(credential));
      }
      std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
      auto result = client->download("/api/v1/documents/" + std::to_string(a.id) + "/content",
                                     [&](std::span<const std::uint8_t> piece) -> Result<void> {
                                       out.write(reinterpret_cast<const char*>(piece.data()),
                                                 static_cast<std::streamsize>(piece.size()));
                                       return ok();
                                     });
      out.close();
      if (!result) {
        std::filesystem::remove(a.out);
        return report(result.error(), "cat");
      }
      return kExitOk;
    };
  });
#endif
}

}  // namespace custos::cli
