// How the client reads an answer of the vault's API, whatever its transport:
// a success is a JSON object, a refusal {"error": {"code", "message", …}}
// (docs/api.md). Anything else is the vault's fault or a stranger's, and
// becomes an Error, so that no caller meets a value it did not expect.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/value.hpp>

#include <string_view>

#include "custos/platform/error.hpp"

namespace custos::vault {

// The Error a refusal's body carries; for a body without one, unavailable
// (5xx) or internal, naming the status.
Error error_from_answer(unsigned status, std::string_view body);

// A success's JSON object (status < 400); corrupt when the body is not a
// JSON object; error_from_answer() for a refusal.
Result<boost::json::value> read_answer(unsigned status, std::string_view body);

}  // namespace custos::vault
