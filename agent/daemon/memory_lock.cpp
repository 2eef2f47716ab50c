#include "custos/agent/memory_lock.hpp"

#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace custos::agent {

bool memory_lock_unbounded() noexcept {
  rlimit limit{};
  if (::getrlimit(RLIMIT_MEMLOCK, &limit) == 0 && limit.rlim_cur == RLIM_INFINITY) return true;
  // libcap is not linked for one bit: ask the kernel directly.
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  return (data[CAP_IPC_LOCK / 32].effective & (1u << (CAP_IPC_LOCK % 32))) != 0;
}

Result<void> lock_all_memory() {
  if (!memory_lock_unbounded()) {
    rlimit limit{};
    (void)::getrlimit(RLIMIT_MEMLOCK, &limit);
    return fail(ErrorCode::permission_denied,
                "no CAP_IPC_LOCK and RLIMIT_MEMLOCK is " + std::to_string(limit.rlim_cur / 1024) +
                    " KiB, so the agent's memory is not locked as a whole");
  }
  // MCL_ONFAULT: reserved but untouched memory (thread stacks, allocator
  // arenas) costs nothing until it is used.
  if (::mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0) {
    return fail(ErrorCode::io, std::string("mlockall failed: ") + std::strerror(errno));
  }
  return ok();
}

}  // namespace custos::agent
