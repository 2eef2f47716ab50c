#include "custos/agent/enroll_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/enrollment.hpp"
#include "custos/platform/files.hpp"

namespace custos::agent {
namespace {

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
