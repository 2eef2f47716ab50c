// What the API's handlers share: reading ids and query parameters, the
// request's JSON body (parsed in wiped memory), and JSON answers. Internal to
// the server.
#pragma once

#include <boost/json.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "custos/vault/api.hpp"

namespace custos::vault::api_support {
namespace json = boost::json;

inline std::optional<Id> parse_id(std::string_view text) {
  Id value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// A count from the query string (0 allowed), or nothing when absent or not a number.
inline std::optional<std::uint64_t> query_count(const ApiRequest& request, const char* key) {
  const auto found = request.query.find(key);
  if (found == request.query.end()) return std::nullopt;
  std::uint64_t value = 0;
  const auto& text = found->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// A query parameter's value; none when it is missing or empty.
inline std::optional<std::string> query_text(const ApiRequest& request, const char* key) {
  auto found = request.query.find(key);
  if (found == request.query.end() || found->second.empty()) return std::nullopt;
  return found->second;
}

inline ApiResponse json_response(unsigned status, json::value body) { return ApiResponse{status, json::serialize(body) + "\n", "application/json"}; }

// An optional time as RFC 3339 text, or null.
inline json::value time_or_null(const std::optional<UnixSeconds>& when) {
  if (!when) return nullptr;
  return json::value(format_rfc3339(*when));
}

template <class T, class F>
inline json::array array_of(const std::vector<T>& items, F&& convert) {
  json::array out;
  out.reserve(items.size());
  for (const auto& item : items) out.emplace_back(convert(item));
  return out;
}

// The request's JSON object. Parsing happens in a buffer that is wiped
// afterwards (bodies may hold passwords).
class JsonBody {
 public:
  explicit JsonBody(std::string_view text)
      : scratch_(text.size() * 2 + 4096), resource_(scratch_.unsafe_bytes().data(), scratch_.size()) {
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 16;
    value_ = json::parse(text, ec, &resource_, options);
    if (ec) {
      error_ = "the body is not valid JSON: " + ec.message();
    } else if (!value_.is_object()) {
      error_ = "the body must be a JSON object";
    }
  }
  Result<void> valid() const {
    if (!error_.empty()) return fail(ErrorCode::invalid_argument, error_);
    return ok();
  }
  Result<std::string> text(const char* key, bool required = true) const {
    const auto* v = value_.as_object().if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (!required) return std::string();
      return fail(ErrorCode::invalid_argument, std::string("the body needs \"") + key + "\"");
    }
    if (!v->is_string()) return fail(ErrorCode::invalid_argument, std::string("\"") + key + "\" must be a string");
    return std::string(v->as_string());
  }
  Result<Secret> secret(const char* key, bool required = true) const {
    const auto* v = value_.as_object().if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (!required) return Secret();
      return fail(ErrorCode::invalid_argument, std::string("the body needs \"") + key + "\"");
    }
    if (!v->is_string()) return fail(ErrorCode::invalid_argument, std::string("\"") + key + "\" must be a string");
    const auto& s = v->as_string();
    return Secret::from_string(std::string_view(s.data(), s.size()));
  }
  const json::value* find(const char* key) const { return value_.as_object().if_contains(key); }

 private:
  Secret scratch_;
  json::monotonic_resource resource_;
  json::value value_;
  std::string error_;
};


}  // namespace custos::vault::api_support
