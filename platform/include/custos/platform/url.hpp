// Percent-encoding of URL components and query strings, as the API's
// request targets use them.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos {

// Percent-decodes a component; '+' is a space in queries. A '%' not followed
// by two hex digits is invalid_argument.
Result<std::string> url_decode(std::string_view text, bool plus_is_space);
// Splits "a=1&b=2" into decoded pairs (a later duplicate wins); every key and
// value must be UTF-8 once decoded, as the API's JSON strings are.
Result<std::map<std::string, std::string>> parse_query(std::string_view query);
// A request path, percent-decoded: "/api/v1/users/%E5%BC%A0" → "/api/v1/users/张".
// invalid_argument for bad percent-encoding, an encoded '/' (it would move
// segment boundaries), and a path that is not UTF-8 text without control
// characters once decoded (names from paths end up in answers and the audit
// log, which are JSON).
Result<std::string> decode_path(std::string_view path);
// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace custos
