// The vault's HTTP API (`/api/v1`, JSON) as a transport-free object: the
// HTTP server hands it parsed requests and writes back what it answers, so
// routing, JSON and error mapping are tested without sockets.
//
// Errors travel as {"error": {"code", "message", "request_id"}} with the
// HTTP status of the code (docs/api.md). Every refusal is audited here, the
// login's own excepted (the login service records those).
//
// Thread-safety: thread-safe; each call handles one request.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "custos/platform/secret.hpp"
#include "custos/platform/url.hpp"
#include "custos/vault/agent_service.hpp"
#include "custos/vault/destruction_service.hpp"
#include "custos/vault/directory_service.hpp"
#include "custos/vault/document_service.hpp"
#include "custos/vault/grant_service.hpp"
#include "custos/vault/log_service.hpp"
#include "custos/vault/policy_service.hpp"
#include "custos/vault/print_service.hpp"
#include "custos/vault/records_service.hpp"
#include "custos/vault/register_service.hpp"

namespace custos::vault {

struct VaultServices {
  Store& store;
  AuditSink& audit;
  AuthService& auth;
  DirectoryService& directory;
  DocumentService& documents;
  GrantService& grants;
  PolicyService& policies;
  DestructionService& destruction;
  LogService& log;
  RegisterService& registers;
  RecordsService& records;
  AgentService& agents;
  PrintService& prints;
};

struct ApiRequest {
  std::string method;
  std::string path;                            // without the query
  std::map<std::string, std::string> query;    // percent-decoded
  Secret bearer;                               // from "Authorization: Bearer …"
  Secret agent_credential;                     // from "X-Custos-Agent: …" (a workstation's agent)
  std::string content_type;
  std::string source;                          // client address
  std::string request_id;
  std::string body;                            // JSON routes only
};

struct ApiResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

// How the server must read a request's body and where to run it.
enum class RouteKind {
  json,        // read the body (≤ json_body_bytes), call handle() on a worker
  login,       // as json, on the login threads (Argon2id)
  bulk,        // as json, with a body up to records_body_bytes (a records CSV)
  upload,      // stream the body: start_upload(), feed, finish_upload()
  download,    // start_download(), then stream the ContentReader
  health,      // /healthz: handle() inline
  metrics,     // /metrics: the server answers
  not_found,
};

class Api {
 public:
  explicit Api(VaultServices services) : s_(services) {}

  RouteKind route(std::string_view method, std::string_view path) const;
  ApiResponse handle(const ApiRequest& request);

  // Uploads: POST /api/v1/documents?title=…&level=…[&department=…][&filename=…]
  struct UploadStart {
    std::unique_ptr<Upload> upload;
    Origin origin;
    Principal principal;
  };
  Result<UploadStart> start_upload(const ApiRequest& request);
  ApiResponse finish_upload(UploadStart& start);

  // Downloads: GET /api/v1/documents/{id}/content
  Result<std::unique_ptr<ContentReader>> start_download(const ApiRequest& request);

  // The error body and status for `error`, auditing nothing.
  static ApiResponse error_response(const Error& error, const std::string& request_id);
  static unsigned http_status(ErrorCode code);

 private:
  Origin origin_of(const ApiRequest& request) const;
  Result<Principal> authenticate(const ApiRequest& request, const Origin& origin, Action action,
                                 const std::string& target);
  // The agent whose credential the request carries; refusals audited.
  Result<Agent> authenticate_agent(const ApiRequest& request, const Origin& origin, const Principal* principal,
                                   Action action, const std::string& target);
  ApiResponse refuse(const Error& error, const Origin& origin, const Principal* principal, Action action,
                     const std::string& target);

  VaultServices s_;
};


}  // namespace custos::vault
