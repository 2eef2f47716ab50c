#include "cups_harness.hpp"

#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "vault_harness.hpp"

namespace custos::testing {
namespace {

// The capture backend: listed with no arguments; otherwise copies the job
// (file argument 6, else standard input) into the folder of its URI.
constexpr const char* kCaptureBackend = R"(#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct capture "Unknown" "Custos test capture"'; exit 0; fi
dir="${DEVICE_URI#capture:}"
if [ -n "$6" ]; then cat "$6" > "$dir/.job-$1"; else cat > "$dir/.job-$1"; fi
echo "$4" > "$dir/job-$1.copies"
mv "$dir/.job-$1" "$dir/job-$1.pdf"
exit 0
)";

void write_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

}  // namespace

CupsServer::CupsServer() {
  if (::geteuid() != 0) throw std::runtime_error("a private cupsd needs root");
  dir_ = make_temp_dir("cups");
  ::chmod(dir_.c_str(), 0755);  // cupsd's lp processes walk through it
  socket_ = dir_ / "cups.sock";
  capture_ = dir_ / "captured";
  for (const char* sub : {"conf", "conf/ppd", "spool", "cache", "state", "log", "bin", "bin/backend", "captured"}) {
    std::filesystem::create_directories(dir_ / sub);
    ::chmod((dir_ / sub).c_str(), 0755);
  }
  ::chmod(capture_.c_str(), 01777);
  std::filesystem::create_directories(dir_ / "tmp");
  if (const group* lp = ::getgrnam("lp"); lp != nullptr) {
    for (const char* sub : {"tmp", "spool"}) {
      if (::chown((dir_ / sub).c_str(), 0, lp->gr_gid) != 0) throw std::runtime_error("cannot give a folder to lp");
    }
  }
  ::chmod((dir_ / "tmp").c_str(), 01770);
  ::chmod((dir_ / "spool").c_str(), 0710);
  // A private ServerBin: the system's filters and backends, and ours.
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/cups")) {
    if (entry.path().filename() == "backend") continue;
    std::filesystem::create_symlink(entry.path(), dir_ / "bin" / entry.path().filename());
  }
  write_file(dir_ / "bin/backend/capture", kCaptureBackend, 0755);
  write_file(dir_ / "conf/cupsd.conf",
             "Listen " + socket_.string() + "\nLogLevel warn\nWebInterface No\nBrowsing No\n"
             "DefaultAuthType None\nMaxJobs 0\nPreserveJobHistory Yes\n"
             "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
             "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
             0644);
  write_file(dir_ / "conf/cups-files.conf",
             "FileDevice Yes\nServerRoot " + (dir_ / "conf").string() + "\nRequestRoot " + (dir_ / "spool").string() +
                 "\nTempDir " + (dir_ / "tmp").string() + "\nCacheDir " + (dir_ / "cache").string() +
                 "\nStateDir " + (dir_ / "state").string() + "\nServerBin " + (dir_ / "bin").string() +
                 "\nErrorLog " + (dir_ / "log/error_log").string() + "\nAccessLog " +
                 (dir_ / "log/access_log").string() + "\nPageLog " + (dir_ / "log/page_log").string() +
                 "\nUser lp\nGroup lp\nSystemGroup root\n",
             0644);
  pid_ = spawn_process({"/usr/sbin/cupsd", "-f", "-c", (dir_ / "conf/cupsd.conf").string(), "-s",
                        (dir_ / "conf/cups-files.conf").string()},
                       {}, dir_ / "log/cupsd.out", dir_ / "log/cupsd.err");
  const std::map<std::string, std::string> env{{"CUPS_SERVER", socket_.string()}};
  for (int i = 0; i < 100; ++i) {
    if (std::filesystem::exists(socket_) &&
        run_command({"/usr/bin/lpstat", "-r"}, env).out.find("scheduler is running") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto added = run_command(
      {"/usr/sbin/lpadmin", "-p", "capture", "-E", "-v", "capture:" + capture_.string(), "-m", "raw"}, env);
  if (added.exit_code == 0) added = run_command({"/usr/sbin/lpadmin", "-d", "capture"}, env);
  if (added.exit_code != 0) {
    stop();
    throw std::runtime_error("lpadmin failed: " + added.err + " (see " + dir_.string() + "/log)");
  }
}

bool CupsServer::hold_new_jobs(bool hold) {
  const std::map<std::string, std::string> env{{"CUPS_SERVER", socket_.string()}};
  return run_command({"/usr/sbin/lpadmin", "-p", "capture", "-o",
                      std::string("job-hold-until-default=") + (hold ? "indefinite" : "no-hold")},
                     env)
             .exit_code == 0;
}

std::size_t CupsServer::unfinished_jobs() const {
  const std::map<std::string, std::string> env{{"CUPS_SERVER", socket_.string()}};
  const auto listed = run_command({"/usr/bin/lpstat", "-o"}, env);  // one line per job not yet ended
  std::size_t count = 0;
  for (const char c : listed.out) count += c == '\n' ? 1 : 0;
  return count;
}

void CupsServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

CupsServer::~CupsServer() {
  stop();
  std::error_code ec;
  if (std::getenv("CUSTOS_KEEP_CUPS") == nullptr) std::filesystem::remove_all(dir_, ec);
}

}  // namespace custos::testing
