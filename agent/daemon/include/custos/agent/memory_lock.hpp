// Keeping the agent's memory out of swap. The viewer holds documents and
// page images in locked buffers of its own, but the renderers' scratch
// memory (poppler's page raster, pango's layouts, zlib's window and expat's
// buffers while a workbook is read) is ordinary heap. Locking the whole
// process — every page now and every page it maps later, each as it is
// first touched (mlockall with MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) —
// covers that too.
//
// It is attempted only when locking is unbounded for this process
// (CAP_IPC_LOCK in the effective set, which the systemd unit grants, or an
// unlimited RLIMIT_MEMLOCK): with MCL_FUTURE under a finite limit, a later
// allocation past the limit would fail and could bring the agent down, so
// the agent then runs unlocked and says so once in its log.
//
// Thread-safety: call lock_all_memory once, early, from the main thread.
#pragma once

#include "custos/platform/error.hpp"

namespace custos::agent {

// True when mlock is not bounded for this process: CAP_IPC_LOCK is
// effective, or RLIMIT_MEMLOCK is unlimited.
bool memory_lock_unbounded() noexcept;

// Locks all present and future memory of the process, on fault.
// permission_denied when locking is bounded (nothing is changed: see
// above); io when the kernel refuses mlockall.
Result<void> lock_all_memory();

}  // namespace custos::agent
