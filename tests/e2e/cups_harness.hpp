// Test harness: a private CUPS scheduler (cupsd) on a Unix socket in a
// fresh temporary folder, with a raw queue "capture" whose backend writes
// each job's bytes, as the scheduler received them, into capture_dir() as
// job-<id>.pdf (and the copies asked for as job-<id>.copies). Clients reach
// it with CUPS_SERVER=socket(). Needs root (cupsd runs its backends as lp).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>

namespace custos::testing {

class CupsServer {
 public:
  CupsServer();   // starts cupsd and adds the queue; throws when it cannot
  ~CupsServer();  // stops cupsd and removes the folder

  const std::filesystem::path& socket() const { return socket_; }
  const std::filesystem::path& capture_dir() const { return capture_; }
  // Stops the scheduler (for "CUPS down" tests).
  void stop();
  // Whether the queue holds new jobs instead of printing them (for a
  // printer that never gets to a job); true when lpadmin agreed.
  bool hold_new_jobs(bool hold);
  // Jobs the scheduler still holds, queued or printing (lpstat -o).
  std::size_t unfinished_jobs() const;
  bool running() const { return pid_ > 0; }

 private:
  std::filesystem::path dir_, socket_, capture_;
  pid_t pid_ = -1;
};

}  // namespace custos::testing
