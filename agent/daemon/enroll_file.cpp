#include "custos/agent/enroll_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/enrollment.hpp"
#include "custos/platform/files.hpp"

namespace custos::agent {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// Overwrites the file's bytes, then removes it: the token is multi-use and
// must not outlive its purpose on the disk more than the file system makes
// unavoidable.
Result<void> erase(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    const auto size = ::lseek(fd, 0, SEEK_END);
    if (size > 0 && ::lseek(fd, 0, SEEK_SET) == 0) {
      const std::vector<char> zeros(static_cast<std::size_t>(size), '\0');
      if (::write(fd, zeros.data(), zeros.size()) == size) (void)::fsync(fd);
    }
    ::close(fd);
  }
  std::error_code ec;
  std::filesystem::remove(file, ec);
  if (ec) return fail(ErrorCode::io, "cannot delete " + file.string() + ": " + ec.message());
  return ok();
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

Result<EnrollFileOutcome> enroll_from_file(const std::filesystem::path& file, const AgentConfig& config) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return EnrollFileOutcome::absent;
  if (std::filesystem::exists(state_file(config.state_dir), ec)) {
    CUSTOS_TRY_VOID(erase(file));
    return EnrollFileOutcome::already_enrolled;
  }
  auto text = files::read_secret(file);
  if (!text) return fail(text.error());
  auto parsed = parse_enroll_file(text->unsafe_view());
  if (!parsed) return fail(Error{parsed.error().code, file.string() + ": " + parsed.error().message});
  EnrollRequest request{.server = parsed->server,
                        .fingerprint = parsed->fingerprint,
                        .token = std::move(parsed->token),
                        .state_dir = config.state_dir,
                        .machine_id_file = config.machine_id_file};
  auto state = enroll(request);
  if (!state) return fail(state.error());
  CUSTOS_TRY_VOID(erase(file));
  return EnrollFileOutcome::enrolled;
}

}  // namespace custos::agent
