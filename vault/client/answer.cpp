#include "custos/vault/answer.hpp"

#include <boost/json.hpp>

#include <string>

namespace custos::vault {
namespace json = boost::json;

Error error_from_answer(unsigned status, std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (!ec && value.is_object()) {
    if (const auto* error = value.as_object().if_contains("error"); error != nullptr && error->is_object()) {
      const auto& e = error->as_object();
      const auto* code = e.if_contains("code");
      const auto* message = e.if_contains("message");
      if (code != nullptr && code->is_string() && message != nullptr && message->is_string()) {
        return Error{error_code_from_string(std::string_view(code->as_string())), std::string(message->as_string())};
      }
    }
  }
  return Error{status >= 500 ? ErrorCode::unavailable : ErrorCode::internal,
               "the vault answered HTTP " + std::to_string(status) + " without an error body"};
}

Result<json::value> read_answer(unsigned status, std::string_view body) {
  if (status >= 400) return fail(error_from_answer(status, body));
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) return fail(ErrorCode::corrupt, "the vault's answer is not JSON");
  // Every answer of the API is an object; callers read its members.
  if (!value.is_object()) return fail(ErrorCode::corrupt, "the vault's answer is not a JSON object");
  return value;
}

}  // namespace custos::vault
