// Locking the agent's memory, in child processes (locks, limits and
// capabilities stay theirs): where locking is unbounded, memory touched
// after the call is locked; where it is bounded, nothing is locked, the
// refusal says why, and allocating far past the limit still works.
#include "custos/agent/memory_lock.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace custos::agent {
namespace {

// AddressSanitizer replaces mlock and mlockall with calls that do nothing
// (it would otherwise lock its shadow memory): there the lock is reported
// but not seen in VmLck, and the release tree checks its effect.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMlockIsIntercepted = true;
#else
constexpr bool kMlockIsIntercepted = false;
#endif

struct ChildReport {
  bool unbounded = false;
  bool locked = false;
  ErrorCode code = ErrorCode::internal;
  long locked_kib = -1;  // VmLck after touching kTouched bytes
  bool allocated = false;
};

constexpr std::size_t kTouched = 32u << 20;

long locked_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmLck:")) return std::stol(line.substr(6));
  }
  return -1;
}

bool drop_ipc_lock_and_limit(rlim_t bytes) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
  if (::syscall(SYS_capset, &header, data) != 0) return false;
  const rlimit limit{bytes, bytes};
  return ::setrlimit(RLIMIT_MEMLOCK, &limit) == 0;
}

// Forks; the child (bounded: without CAP_IPC_LOCK, under a 64 KiB limit)
// locks, then allocates and touches kTouched bytes, and reports.
ChildReport run_child(bool bounded) {
  int pipe_fds[2];
  EXPECT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    ChildReport report;
    if (!bounded || drop_ipc_lock_and_limit(64 * 1024)) {
      report.unbounded = memory_lock_unbounded();
      auto locked = lock_all_memory();
      report.locked = locked.has_value();
      if (!locked) report.code = locked.error().code;
      std::vector<char> block(kTouched);
      std::memset(block.data(), 1, block.size());
      report.allocated = block[kTouched - 1] == 1;
      report.locked_kib = locked_kib();
    }
    ::_exit(::write(pipe_fds[1], &report, sizeof report) == sizeof report ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  ChildReport report;
  EXPECT_EQ(::read(pipe_fds[0], &report, sizeof report), static_cast<ssize_t>(sizeof report));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child crashed: " << status;
  return report;
}

TEST(MemoryLock, LocksEverythingTouchedWhereLockingIsUnbounded) {
  const auto report = run_child(false);
  ASSERT_EQ(report.unbounded, memory_lock_unbounded());
  ASSERT_TRUE(report.allocated);
  if (report.unbounded) {  // root, CAP_IPC_LOCK, or LimitMEMLOCK=infinity
    EXPECT_TRUE(report.locked) << to_string(report.code);
    if (!kMlockIsIntercepted) {
      EXPECT_GE(report.locked_kib, static_cast<long>(kTouched / 1024));
    }
  } else {
    EXPECT_EQ(report.code, ErrorCode::permission_denied);
    EXPECT_LT(report.locked_kib, static_cast<long>(kTouched / 1024));
  }
}

TEST(MemoryLock, UnderABoundedLimitNothingIsLockedAndAllocationStillWorks) {
  const auto report = run_child(true);
  EXPECT_FALSE(report.unbounded);
  EXPECT_FALSE(report.locked);
  EXPECT_EQ(report.code, ErrorCode::permission_denied);
  EXPECT_TRUE(report.allocated);  // 32 MiB under a 64 KiB limit: not a crash
  EXPECT_GE(report.locked_kib, 0);
  EXPECT_LE(report.locked_kib, 64);
}

}  // namespace
}  // namespace custos::agent
