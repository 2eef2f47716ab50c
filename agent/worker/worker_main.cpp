// custos-agent-worker: one view, one print job or one print preview for
// custos-agent, which starts it with a socketpair on fd 3 and ends it when
// the job is over (docs/architecture.md, "The agent's worker"). Here, and
// not in the root daemon, documents are parsed and rendered and libcups is
// spoken to.
//
// It keeps nothing: the content comes in a frame over the socket, lives in
// (locked) memory and goes with the process. It cannot be dumped, gains no
// privilege by exec, and dies with the agent.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include <cstdio>

#include "custos/agent/memory_lock.hpp"
#include "worker_jobs.hpp"

namespace {

constexpr int kChannel = 3;

}  // namespace

int main() {
  const pid_t parent = ::getppid();
  (void)::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (::getppid() != parent) return 1;  // the agent is already gone
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  (void)::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  spdlog::set_pattern("custos-agent-worker[%P] %l: %v");

  struct stat channel_stat{};
  if (::fstat(kChannel, &channel_stat) != 0 || !S_ISSOCK(channel_stat.st_mode)) {
    std::fprintf(stderr, "custos-agent-worker is started by custos-agent, not by hand\n");
    return 2;
  }
  // As the agent: with CAP_IPC_LOCK (or no limit) nothing of the document
  // reaches swap; without, the locked buffers still hold the content.
  if (custos::agent::memory_lock_unbounded()) {
    if (auto locked = custos::agent::lock_all_memory(); !locked) spdlog::warn("{}", locked.error().message);
  }

  auto job = custos::agent::read_head(kChannel);
  if (!job) return 1;  // the agent went away before saying what to do
  const auto kind = custos::agent::worker::text_of(job->meta, "job");
  if (kind == "view") return custos::agent::worker::view_job(kChannel, *job);
  if (kind == "print") return custos::agent::worker::print_job(kChannel, *job);
  if (kind == "cancel") return custos::agent::worker::cancel_job(kChannel, *job);
  if (kind == "preview") return custos::agent::worker::preview_job(kChannel, *job);
  return custos::agent::worker::answer_error(
      kChannel, custos::Error{custos::ErrorCode::invalid_argument, "the worker has no job \"" + kind + "\""});
}
