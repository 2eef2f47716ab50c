// The enrollment file's parser, apart from enrollment itself so that the
// fuzzing build (which has no vault client) compiles it alone
// (tests/fuzz/enroll_file_fuzz.cpp).
#include "custos/agent/enroll_file.hpp"

namespace custos::agent {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

}  // namespace

Result<EnrollFile> parse_enroll_file(std::string_view text) {
  EnrollFile out;
  bool server = false, fingerprint = false, token = false;
  int number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const auto where = "enrollment file line " + std::to_string(number);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return fail(ErrorCode::invalid_argument, where + ": not KEY=VALUE");
    const auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    for (const char c : value) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return fail(ErrorCode::invalid_argument, where + ": a control character in the value");
      }
    }
    if (value.empty()) return fail(ErrorCode::invalid_argument, where + ": an empty value");
    bool* seen = nullptr;
    if (key == "CUSTOS_SERVER") {
      seen = &server;
      out.server = std::string(value);
    } else if (key == "CUSTOS_FINGERPRINT") {
      seen = &fingerprint;
      out.fingerprint = std::string(value);
    } else if (key == "CUSTOS_TOKEN") {
      seen = &token;
      out.token = Secret::from_string(value);
    } else {
      return fail(ErrorCode::invalid_argument,
                  where + ": unknown key (CUSTOS_SERVER, CUSTOS_FINGERPRINT and CUSTOS_TOKEN are known)");
    }
    if (*seen) return fail(ErrorCode::invalid_argument, where + ": the key appears twice");
    *seen = true;
  }
  if (!server || !fingerprint || !token) {
    return fail(ErrorCode::invalid_argument,
                "the enrollment file needs CUSTOS_SERVER, CUSTOS_FINGERPRINT and CUSTOS_TOKEN");
  }
  return out;
}

}  // namespace custos::agent
