#include "custos/vault/request_head.hpp"

#include <cctype>

#include "custos/platform/random.hpp"
#include "custos/platform/url.hpp"

namespace custos::vault {

std::string request_id_from(std::string_view given) {
  if (!given.empty() && given.size() <= 64) {
    bool fine = true;
    for (const char c : given) fine = fine && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    if (fine) return std::string(given);
  }
  return random_id();
}

Result<void> read_request_head(const boost::beast::http::request_header<>& header, ApiRequest& request) {
  namespace http = boost::beast::http;
  request.method = std::string(header.method_string());
  const std::string_view target(header.target().data(), header.target().size());
  const auto question = target.find('?');
  request.request_id = request_id_from(header["X-Request-Id"]);
  request.content_type = std::string(header[http::field::content_type]);
  auto path = decode_path(target.substr(0, question));
  if (!path) return std::unexpected(path.error());
  request.path = std::move(*path);
  if (question != std::string_view::npos) {
    auto query = parse_query(target.substr(question + 1));
    if (!query) return std::unexpected(query.error());
    request.query = std::move(*query);
  }
  const auto authorization = header[http::field::authorization];
  if (authorization.starts_with("Bearer ")) {
    request.bearer = Secret::from_string(std::string_view(authorization.data() + 7, authorization.size() - 7));
  }
  if (const auto agent = header["X-Custos-Agent"]; !agent.empty()) {
    request.agent_credential = Secret::from_string(std::string_view(agent.data(), agent.size()));
  }
  return ok();
}

}  // namespace custos::vault
