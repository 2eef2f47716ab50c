#include "custos/agent/agent_worker.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace custos::agent {

namespace json = boost::json;

std::filesystem::path worker_program(const std::filesystem::path& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "custos-agent-worker";
  return self.parent_path() / "custos-agent-worker";
}

Result<std::unique_ptr<Worker>> Worker::start(const std::filesystem::path& program) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    return fail(ErrorCode::io, std::string("socketpair: ") + std::strerror(errno));
  }
  // The worker's end becomes its fd 3 (dup2 clears close-on-exec); one that
  // already is 3 is moved first, since dup2 onto itself would keep the flag.
  int theirs = ends[1];
  if (theirs == 3) {
    theirs = ::fcntl(ends[1], F_DUPFD_CLOEXEC, 4);
    ::close(ends[1]);
    if (theirs < 0) {
      ::close(ends[0]);
      return fail(ErrorCode::io, std::string("fcntl: ") + std::strerror(errno));
    }
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, theirs, 3);
  // The agent blocks its signals for sigwait: the worker starts with none
  // blocked and the default actions, so SIGTERM ends it.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const auto path = program.string();
  char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, path.c_str(), &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(theirs);
  if (spawned != 0) {
    ::close(ends[0]);
    return fail(ErrorCode::unavailable, "cannot start the agent's worker " + path + ": " + std::strerror(spawned));
  }
  return std::unique_ptr<Worker>(new Worker(pid, ends[0]));
}

Worker::~Worker() {
  terminate();
  ::close(fd_);
  (void)ended();
}

Result<void> Worker::send(const json::object& meta, std::span<const std::uint8_t> bytes) {
  auto sent = write_frame(fd_, meta, bytes);
  if (!sent) return fail(lost(sent.error()));
  return ok();
}

void Worker::answer_within(std::chrono::milliseconds limit) {
  timeval tv{static_cast<time_t>(limit.count() / 1000), static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
  (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

Error Worker::lost(const Error& why) {
  if (why.code == ErrorCode::timeout) {
    terminate();
    return Error{ErrorCode::timeout, "the agent's worker did not answer in time"};
  }
  if (why.code != ErrorCode::unavailable && why.code != ErrorCode::io) return why;
  return Error{ErrorCode::internal, "the agent's worker ended unexpectedly (" + ended() + ")"};
}

Result<json::object> Worker::receive() {
  std::vector<std::uint8_t> none;
  return receive(none, 0);
}

Result<json::object> Worker::receive(std::vector<std::uint8_t>& bytes, std::uint64_t limit) {
  auto head = read_head(fd_);
  if (!head) return fail(lost(head.error()));
  if (head->size > limit) {
    terminate();
    return fail(ErrorCode::corrupt, "the agent's worker answered more than expected");
  }
  bytes.resize(head->size);
  if (auto read = read_exact(fd_, bytes); !read) return fail(lost(read.error()));
  if (auto error = error_in(head->meta)) return fail(*error);
  return std::move(head->meta);
}

void Worker::terminate() {
  std::lock_guard lock(mutex_);
  if (!reaped_) ::kill(pid_, SIGTERM);
}

bool Worker::exited() {
  std::lock_guard lock(mutex_);
  if (reaped_) return true;
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_;
}

std::string Worker::ended() {
  // Wait without reaping, so that terminate() meanwhile still finds the pid
  // reserved; then reap under the lock.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  std::lock_guard lock(mutex_);
  if (!reaped_) {
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  if (WIFSIGNALED(status_)) return "signal " + std::to_string(WTERMSIG(status_));
  return "exit " + std::to_string(WEXITSTATUS(status_));
}

}  // namespace custos::agent
