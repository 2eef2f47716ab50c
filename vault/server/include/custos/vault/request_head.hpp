// What the vault reads from an HTTP request's head into the Api's request:
// method, path, query, request id, content type and the two credentials
// (`Authorization: Bearer …`, `X-Custos-Agent: …`). The body comes later,
// once the route says how to read it. Kept apart from the server's sockets
// so that fuzzing reaches it with Beast's own parser.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/beast/http/message.hpp>

#include <string>
#include <string_view>

#include "custos/vault/api.hpp"

namespace custos::vault {

// The client's X-Request-Id when it is 1–64 letters, digits, '-' or '_';
// a new random id otherwise.
std::string request_id_from(std::string_view given);

// Fills `request` from `header` (its `source` is left as it is); the path
// percent-decoded (decode_path in url.hpp). invalid_argument when the path
// or the query string is malformed; method and request id are set even
// then, for the refusal's answer.
Result<void> read_request_head(const boost::beast::http::request_header<>& header, ApiRequest& request);

}  // namespace custos::vault
