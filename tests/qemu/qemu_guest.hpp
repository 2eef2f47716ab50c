// QemuGuest: a Debian kernel booted under QEMU (software emulation) with
// an xHCI controller, USB devices plugged and unplugged through QEMU's
// monitor, and the guest's answers read from its serial ports.
//
// How host and guest talk:
//   - ttyS0, the console: kernel messages and whatever the scenario prints,
//     captured to <run dir>/console.log for people (console()).
//   - ttyS1, the control channel: only the scenario's helpers write to it
//     (tests/qemu/guest/guest.sh), so kernel messages never split a line:
//       ##custos-mark NAME [ARGS]         wait_for(NAME) returns ARGS
//       ##custos-report KEY=VALUE         report(KEY) returns VALUE
//       ##custos-file-begin NAME          read_back(NAME) returns the bytes
//       <base64 lines>
//       ##custos-file-end NAME SIZE
//     /init sends every file under /outbox when the scenario ends, then
//     marks "scenario-exit RC". Captured to <run dir>/channel.log.
//   - the monitor: QMP on <run dir>/qmp.sock; monitor() runs HMP commands.
// Host and guest synchronise through marks, never through sleeps: the guest
// marks a point, the host waits for it, acts, and the guest waits (with a
// timeout of its own) for what the host's action makes the kernel do.
//
// USB topology: one qemu-xhci with 8 USB 2 and 8 USB 3 ports (p2=8,p3=8, so
// QEMU inserts no hub). A device plugged at `port` N shows in the guest as
// /sys/bus/usb/devices/2-N when it is SuperSpeed (QEMU's sticks and CD
// drives) and 1-N otherwise (keyboards).
//
// The QEMU process is killed when the QemuGuest is destroyed. Everything of
// a run stays in its folder; when the test failed, the destructor prints
// where it is and the console's last lines.
//
// Thread-safety: not thread-safe; one test thread owns a guest.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custos/platform/error.hpp"
#include "guest_image.hpp"
#include "qmp_client.hpp"

namespace custos::testing {

// A USB device QEMU can emulate, at a port of the guest's xHCI controller.
struct UsbDevice {
  enum class Kind : std::uint8_t { stick, cdrom, keyboard };

  // A mass-storage stick (46f4:0001) backed by a raw image; `serial` is its
  // iSerialNumber, visible in the guest even before authorization.
  static UsbDevice stick(std::string id, std::filesystem::path image, int port, std::string serial);
  // A CD drive (usb-bot with a scsi-cd, SCSI type 5) with `iso` inserted.
  // At the USB level it is identical to a stick (08/06/50), down to the
  // serial when one is given (QEMU's own otherwise).
  static UsbDevice cdrom(std::string id, std::filesystem::path iso, int port, std::string serial = "");
  // A keyboard (0627:0001, interface 03/01/01).
  static UsbDevice keyboard(std::string id, int port);

  Kind kind = Kind::keyboard;
  std::string id;               // QEMU device id, for unplug()
  int port = 1;                 // 1..8
  std::filesystem::path image;  // stick and cdrom
  std::string serial;           // stick and cdrom
};

struct QemuGuestOptions {
  GuestImage image;
  // Logs, sockets; usually fresh_run_dir(name). Must exist.
  std::filesystem::path run_dir;
  // Appended to "console=ttyS0 quiet panic=-1", e.g.
  // "usbcore.authorized_default=0".
  std::vector<std::string> kernel_args;
  // Devices present from power-on.
  std::vector<UsbDevice> initial_devices;
  int memory_mib = 512;
  // Anything else for the QEMU command line.
  std::vector<std::string> extra_qemu_args;
};

class QemuGuest {
 public:
  // Starts QEMU and connects to its monitor. Fails when QEMU cannot start
  // (the message carries its output) or a device cannot be attached.
  static Result<std::unique_ptr<QemuGuest>> start(QemuGuestOptions options);

  ~QemuGuest();
  QemuGuest(const QemuGuest&) = delete;
  QemuGuest& operator=(const QemuGuest&) = delete;

  // Waits for the next "##custos-mark NAME [ARGS]" after the previous mark
  // waited for, and yields ARGS ("" when none). Fails with `timeout`, or
  // `unavailable` as soon as QEMU has exited without it; the message ends
  // with the console's last lines.
  Result<std::string> wait_for(std::string_view mark, std::chrono::milliseconds timeout);

  // Runs an HMP command (e.g. "info usb") through QMP and yields its text.
  Result<std::string> monitor(std::string_view command);
  // Runs a QMP command.
  Result<boost::json::value> qmp(std::string_view command, const boost::json::object& arguments = {});

  // Hot-plugs a device. The guest sees it within milliseconds; wait for the
  // guest's own mark before asserting anything about it.
  Result<void> plug(const UsbDevice& device);
  Result<void> plug_stick(const std::string& id, const std::filesystem::path& image, int port,
                          const std::string& serial) {
    return plug(UsbDevice::stick(id, image, port, serial));
  }
  Result<void> plug_cdrom(const std::string& id, const std::filesystem::path& iso, int port,
                          const std::string& serial = "") {
    return plug(UsbDevice::cdrom(id, iso, port, serial));
  }
  Result<void> plug_keyboard(const std::string& id, int port) { return plug(UsbDevice::keyboard(id, port)); }
  // Pulls a plugged device out (its backing drive goes with it).
  Result<void> unplug(const std::string& id);

  // Waits for QEMU to end (the guest powers off after its scenario) and
  // yields the scenario's exit code. Fails when QEMU ended without the
  // "scenario-exit" mark (a panic, a crash) or did not end in time (it is
  // then killed).
  Result<int> wait_exit(std::chrono::milliseconds timeout);

  // What the guest reported: the last value of KEY, or every KEY=VALUE in order.
  std::optional<std::string> report(std::string_view key);
  std::vector<std::pair<std::string, std::string>> reports();
  // A file the guest sent with send_file (the last one of that name).
  // Fails with `not_found` when none was sent, `corrupt` when it is cut off.
  Result<std::string> read_back(std::string_view name);

  // The console so far, and its last `lines` lines.
  std::string console() const;
  std::string console_tail(int lines = 40) const;
  const std::filesystem::path& run_dir() const { return options_.run_dir; }
  bool running();

 private:
  explicit QemuGuest(QemuGuestOptions options);
  Result<void> launch();
  Result<void> attach_cdrom(const std::string& id);
  // Appends what QEMU wrote to the control channel since the last call.
  void read_channel();
  std::vector<std::string> channel_lines();
  Error stopped_error(std::string what);

  QemuGuestOptions options_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
  int pidfd_ = -1;
  int inotify_fd_ = -1;
  QmpClient qmp_;
  std::string channel_;           // the control channel's bytes so far
  std::size_t mark_cursor_ = 0;   // where the next wait_for starts looking
  bool failed_ = false;           // a harness call failed: show the log at the end
};

}  // namespace custos::testing
