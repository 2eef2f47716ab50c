#include "qemu_guest.hpp"

#include "host_tools.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "custos/platform/encoding.hpp"

namespace custos::testing {
namespace {

constexpr std::string_view kMark = "##custos-mark ";
constexpr std::string_view kReport = "##custos-report ";
constexpr std::string_view kFileBegin = "##custos-file-begin ";
constexpr std::string_view kFileEnd = "##custos-file-end ";

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Console text for people: no carriage returns, no terminal escapes (the
// firmware clears the screen).
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;
      while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
      continue;
    }
    if (c != '\r' && c != '\x1b') out.push_back(c);
  }
  return out;
}


// Values spliced into QEMU option strings, where ',' separates options.
Result<void> check_option_value(std::string_view what, std::string_view value) {
  if (value.empty() || value.find_first_of(", \t\n=") != std::string_view::npos) {
    return fail(ErrorCode::invalid_argument,
                std::string(what) + " '" + std::string(value) + "' must be non-empty without ',', '=' or spaces");
  }
  return ok();
}

Result<void> check_device(const UsbDevice& device) {
  CUSTOS_TRY_VOID(check_option_value("device id", device.id));
  if (device.port < 1 || device.port > 8) {
    return fail(ErrorCode::invalid_argument, "USB port " + std::to_string(device.port) + " is not in 1..8");
  }
  if (device.kind != UsbDevice::Kind::keyboard) {
    CUSTOS_TRY_VOID(check_option_value("image path", device.image.string()));
    if (!std::filesystem::exists(device.image)) {
      return fail(ErrorCode::not_found, "image " + device.image.string() + " does not exist");
    }
  }
  if (!device.serial.empty()) CUSTOS_TRY_VOID(check_option_value("serial", device.serial));
  return ok();
}

// The -drive / drive_add options and the -device / device_add options.
std::string drive_options(const UsbDevice& device) {
  std::string options = "if=none,id=" + device.id + "-drive,format=raw,file=" + device.image.string();
  if (device.kind == UsbDevice::Kind::cdrom) options += ",media=cdrom,readonly=on";
  return options;
}

std::vector<std::string> device_options(const UsbDevice& device) {
  const std::string at = "bus=xhci.0,port=" + std::to_string(device.port) + ",id=" + device.id;
  switch (device.kind) {
    case UsbDevice::Kind::stick: {
      std::string stick = "usb-storage," + at + ",drive=" + device.id + "-drive,removable=on";
      if (!device.serial.empty()) stick += ",serial=" + device.serial;
      return {stick};
    }
    case UsbDevice::Kind::cdrom:
      // A bare usb-bot carrying a scsi-cd: the drive QEMU's usb-storage
      // would make is a disk, not a CD-ROM drive.
      return {"usb-bot," + at + (device.serial.empty() ? "" : ",serial=" + device.serial), "scsi-cd,bus=" + device.id + ".0,drive=" + device.id + "-drive,id=" + device.id + "-cd"};
    case UsbDevice::Kind::keyboard:
      return {"usb-kbd," + at};
  }
  return {};
}

}  // namespace

UsbDevice UsbDevice::stick(std::string id, std::filesystem::path image, int port, std::string serial) {
  return {Kind::stick, std::move(id), port, std::move(image), std::move(serial)};
}
UsbDevice UsbDevice::cdrom(std::string id, std::filesystem::path iso, int port, std::string serial) {
  return {Kind::cdrom, std::move(id), port, std::move(iso), std::move(serial)};
}
UsbDevice UsbDevice::keyboard(std::string id, int port) { return {Kind::keyboard, std::move(id), port, {}, ""}; }

QemuGuest::QemuGuest(QemuGuestOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<QemuGuest>> QemuGuest::start(QemuGuestOptions options) {
  for (const auto& device : options.initial_devices) CUSTOS_TRY_VOID(check_device(device));
  std::unique_ptr<QemuGuest> guest(new QemuGuest(std::move(options)));
  if (auto launched = guest->launch(); !launched) {
    guest->failed_ = true;
    return fail(launched.error());
  }
  return guest;
}

Result<void> QemuGuest::launch() {
  const auto& dir = options_.run_dir;
  std::string append = "console=ttyS0 quiet panic=-1";
  for (const auto& arg : options_.kernel_args) append += " " + arg;
  std::vector<std::string> argv{"qemu-system-x86_64", "-accel", "tcg", "-m", std::to_string(options_.memory_mib),
                                "-nographic", "-no-reboot", "-nic", "none", "-monitor", "none",
                                "-kernel", options_.image.kernel.string(), "-initrd", options_.image.initrd.string(),
                                "-append", append, "-device", "qemu-xhci,id=xhci,p2=8,p3=8",
                                "-serial", "file:" + (dir / "console.log").string(),
                                "-serial", "file:" + (dir / "channel.log").string(),
                                "-qmp", "unix:" + (dir / "qmp.sock").string() + ",server=on,wait=off"};
  for (const auto& device : options_.initial_devices) {
    if (device.kind != UsbDevice::Kind::keyboard) argv.insert(argv.end(), {"-drive", drive_options(device)});
    for (const auto& options : device_options(device)) argv.insert(argv.end(), {"-device", options});
  }
  argv.insert(argv.end(), options_.extra_qemu_args.begin(), options_.extra_qemu_args.end());
  {
    std::ofstream command(dir / "qemu-command.txt", std::ios::trunc);
    for (const auto& a : argv) command << a << "\n";
  }

  // The channel file exists before QEMU opens it (QEMU truncates, keeping
  // the inode), so inotify can tell wait_for when the guest wrote.
  std::ofstream(dir / "channel.log", std::ios::trunc).close();
  inotify_fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (inotify_fd_ < 0 || ::inotify_add_watch(inotify_fd_, (dir / "channel.log").c_str(), IN_MODIFY) < 0) {
    return fail(ErrorCode::io, std::string("inotify on the channel log: ") + std::strerror(errno));
  }

  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const auto log = (dir / "qemu.log").string();
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) return fail(ErrorCode::io, std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // QEMU must not outlive a test that was killed (e.g. by ctest's timeout).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execvp(args[0], args.data());
    const std::string msg = std::string("cannot start qemu-system-x86_64: ") + std::strerror(errno) +
                            " (run installer/install-deps.sh installer/packages.txt)\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));

  if (auto connected = qmp_.connect(dir / "qmp.sock", std::chrono::seconds(10)); !connected) {
    if (!running()) return fail(stopped_error("QEMU did not start"));
    return fail(connected.error());
  }
  // Cold-plugged CD drives come up attached: only hot-plugged ones need
  // attach_cdrom.
  return ok();
}

QemuGuest::~QemuGuest() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (pidfd_ >= 0) ::close(pidfd_);
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (failed_ || ::testing::Test::HasFailure()) {
    std::cerr << "QEMU guest run kept in " << options_.run_dir.string()
              << " (console.log, channel.log, qemu.log, qemu-command.txt); the console ended with:\n"
              << console_tail(40) << std::endl;
  }
}

bool QemuGuest::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return false;
  }
  return true;
}

void QemuGuest::read_channel() {
  std::ifstream in(options_.run_dir / "channel.log", std::ios::binary);
  in.seekg(static_cast<std::streamoff>(channel_.size()));
  std::ostringstream rest;
  rest << in.rdbuf();
  channel_ += rest.str();
}

std::vector<std::string> QemuGuest::channel_lines() {
  read_channel();
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = channel_.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = channel_.substr(start, end - start);
    std::erase(line, '\r');
    lines.push_back(std::move(line));
  }
  return lines;
}

Error QemuGuest::stopped_error(std::string what) {
  failed_ = true;
  const auto qemu_log = last_lines(slurp(options_.run_dir / "qemu.log"), 10);
  if (!qemu_log.empty()) what += "; QEMU said:\n" + qemu_log;
  return Error{ErrorCode::unavailable, what + "\n--- console (last lines) ---\n" + console_tail(30)};
}

Result<std::string> QemuGuest::wait_for(std::string_view mark, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const bool alive = running();
    read_channel();
    for (std::size_t end; (end = channel_.find('\n', mark_cursor_)) != std::string::npos;) {
      std::string line = channel_.substr(mark_cursor_, end - mark_cursor_);
      mark_cursor_ = end + 1;
      std::erase(line, '\r');
      if (!line.starts_with(kMark)) continue;
      const std::string_view rest = std::string_view(line).substr(kMark.size());
      if (rest == mark) return std::string();
      if (rest.starts_with(mark) && rest.size() > mark.size() && rest[mark.size()] == ' ') {
        return std::string(rest.substr(mark.size() + 1));
      }
    }
    if (!alive) {
      return fail(stopped_error("the guest stopped (QEMU exit " + std::to_string(exit_status_) +
                                ") before mark '" + std::string(mark) + "'"));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failed_ = true;
      return fail(ErrorCode::timeout, "no mark '" + std::string(mark) + "' from the guest within " +
                                          std::to_string(timeout.count()) + " ms\n--- console (last lines) ---\n" +
                                          console_tail(30));
    }
    // Woken by a write to the channel or by QEMU's exit.
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {pidfd_, POLLIN, 0}};
    ::poll(fds, pidfd_ >= 0 ? 2 : 1, static_cast<int>(std::min<long>(left.count(), 1000)));
    char drain[4096];
    while (::read(inotify_fd_, drain, sizeof drain) > 0) {
    }
  }
}

Result<std::string> QemuGuest::monitor(std::string_view command) {
  auto text = qmp_.human(command);
  if (!text) failed_ = true;
  return text;
}

Result<boost::json::value> QemuGuest::qmp(std::string_view command, const boost::json::object& arguments) {
  auto result = qmp_.execute(command, arguments);
  if (!result) failed_ = true;
  return result;
}

Result<void> QemuGuest::plug(const UsbDevice& device) {
  auto checked = check_device(device);
  auto plugged = [&]() -> Result<void> {
    CUSTOS_TRY_VOID(checked);
    if (device.kind != UsbDevice::Kind::keyboard) {
      auto text = monitor("drive_add 0 " + drive_options(device));
      if (!text) return fail(text.error());
      if (text->find("OK") == std::string::npos) {
        return fail(ErrorCode::unavailable, "drive_add for " + device.id + ": " + *text);
      }
    }
    for (const auto& options : device_options(device)) {
      auto text = monitor("device_add " + options);
      if (!text) return fail(text.error());
      // HMP's device_add prints nothing on success.
      if (!text->empty()) return fail(ErrorCode::unavailable, "device_add " + options + ": " + *text);
    }
    if (device.kind == UsbDevice::Kind::cdrom) CUSTOS_TRY_VOID(attach_cdrom(device.id));
    return ok();
  }();
  if (!plugged) failed_ = true;
  return plugged;
}

Result<void> QemuGuest::attach_cdrom(const std::string& id) {
  // A usb-bot stays detached from the bus until told, so that its SCSI
  // devices can be added first.
  auto text = monitor("qom-set /machine/peripheral/" + id + " attached true");
  if (!text) return fail(text.error());
  if (!text->empty()) return fail(ErrorCode::unavailable, "attaching " + id + ": " + *text);
  return ok();
}

Result<void> QemuGuest::unplug(const std::string& id) {
  auto text = monitor("device_del " + id);
  if (!text) return fail(text.error());
  if (!text->empty()) {
    failed_ = true;
    return fail(ErrorCode::unavailable, "device_del " + id + ": " + *text);
  }
  return ok();
}

Result<int> QemuGuest::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      failed_ = true;
      return fail(ErrorCode::timeout, "the guest did not power off within " + std::to_string(timeout.count()) +
                                          " ms (killed)\n--- console (last lines) ---\n" + console_tail(30));
    }
    pollfd fd{pidfd_, POLLIN, 0};
    if (pidfd_ < 0 || ::poll(&fd, 1, static_cast<int>(std::min<long>(left.count(), 1000))) < 0) {
      ::usleep(50'000);  // no pidfd (old kernel): look again shortly
    }
  }
  for (const auto& line : channel_lines()) {
    constexpr std::string_view exit_mark = "##custos-mark scenario-exit ";
    if (line.starts_with(exit_mark)) return std::atoi(line.c_str() + exit_mark.size());
  }
  return fail(stopped_error("QEMU ended (exit " + std::to_string(exit_status_) +
                            ") without the scenario-exit mark: the guest panicked or QEMU failed"));
}

std::optional<std::string> QemuGuest::report(std::string_view key) {
  std::optional<std::string> value;
  for (auto& [k, v] : reports()) {
    if (k == key) value = std::move(v);
  }
  return value;
}

std::vector<std::pair<std::string, std::string>> QemuGuest::reports() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& line : channel_lines()) {
    if (!line.starts_with(kReport)) continue;
    const auto body = line.substr(kReport.size());
    const auto eq = body.find('=');
    if (eq == std::string::npos) continue;
    out.emplace_back(body.substr(0, eq), body.substr(eq + 1));
  }
  return out;
}

Result<std::string> QemuGuest::read_back(std::string_view name) {
  const auto lines = channel_lines();
  const std::string begin = std::string(kFileBegin) + std::string(name);
  const std::string end_prefix = std::string(kFileEnd) + std::string(name) + " ";
  std::optional<Result<std::string>> found;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != begin) continue;
    std::string encoded;
    std::size_t j = i + 1;
    for (; j < lines.size() && !lines[j].starts_with("##custos-"); ++j) encoded += lines[j];
    if (j == lines.size() || !lines[j].starts_with(end_prefix)) {
      found = fail(ErrorCode::corrupt, "the guest's copy of '" + std::string(name) + "' is cut off");
      continue;
    }
    const auto size = std::strtoull(lines[j].c_str() + end_prefix.size(), nullptr, 10);
    auto bytes = base64_decode(encoded);
    if (!bytes || bytes->size() != size) {
      found = fail(ErrorCode::corrupt, "the guest's copy of '" + std::string(name) + "' does not decode to " +
                                           std::to_string(size) + " bytes");
      continue;
    }
    found = std::string(as_text(*bytes));
    i = j;
  }
  if (!found) return fail(ErrorCode::not_found, "the guest sent no file '" + std::string(name) + "'");
  return std::move(*found);
}

std::string QemuGuest::console() const { return printable(slurp(options_.run_dir / "console.log")); }

std::string QemuGuest::console_tail(int lines) const { return last_lines(console(), lines); }

}  // namespace custos::testing
