// The real Linux kernel's USB authorization, in a QEMU guest, without the
// agent: proves the rig (image builder, QemuGuest, hot-plug through the
// monitor, marks, reports, files sent back) and pins down the kernel
// behaviour the agent relies on. The guest side is scenarios/usb_kernel.sh.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>

#include "guest_image.hpp"
#include "guest_test.hpp"
#include "host_tools.hpp"
#include "qemu_guest.hpp"

namespace custos::testing {
namespace {

using std::chrono::seconds;

// Every byte value, to check that files come back from the guest exactly.
std::string all_bytes() {
  std::string bytes;
  for (int round = 0; round < 4; ++round) {
    for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  }
  return bytes;
}

TEST(UsbKernelTest, UnauthorizedDevicesStayInertUntilAuthorized) {
  // No kernel package (first run without the Debian mirror) fails here, loudly.
  auto image = build_guest_image({.name = "usb_kernel",
                                  .scenario = CUSTOS_SOURCE_DIR "/tests/qemu/scenarios/usb_kernel.sh",
                                  .files = {{CUSTOS_QEMU_BLKRO_PROBE, "/usr/local/bin/guest-blkro"}},
                                  .modules = {}});
  ASSERT_TRUE(image) << image.error().describe();
  auto run = fresh_run_dir("usb_kernel");
  ASSERT_TRUE(run) << run.error().describe();

  const auto stick = *run / "stick.img";
  const auto allowed = *run / "allowed.img";
  const auto iso = *run / "cd.iso";
  const std::string bytes = all_bytes();
  ASSERT_OK(make_vfat_image(stick, 8, {{"HELLO.TXT", "hello from the host"}, {"BYTES.BIN", bytes}}));
  ASSERT_OK(make_vfat_image(allowed, 8, {}));
  ASSERT_OK(make_iso_image(iso, "CUSTOS_CD", {{"hello.txt", "hello from the CD"}}));

  QemuGuestOptions options;
  options.image = *image;
  options.run_dir = *run;
  options.kernel_args = {"usbcore.authorized_default=0"};
  options.initial_devices = {UsbDevice::keyboard("boot-keyboard", 5)};
  auto started = QemuGuest::start(std::move(options));
  ASSERT_TRUE(started) << started.error().describe();
  QemuGuest& guest = **started;

  // Boot and module loading take ~8 s under emulation on this kind of
  // machine; the generous limits are for a machine busy with other builds.
  const auto step = [&](const char* mark) { return reached(guest, mark, seconds(60)); };
  ASSERT_TRUE(step("plug-stick"));
  ASSERT_OK(guest.plug_stick("stick", stick, 1, "CUSTOS-BLOCK-0001"));
  ASSERT_TRUE(step("plug-allowed-stick"));
  ASSERT_OK(guest.plug_stick("allowed", allowed, 6, "CUSTOS-ALLOW-0002"));
  ASSERT_TRUE(step("plug-cdrom"));
  ASSERT_OK(guest.plug_cdrom("cdrom", iso, 2));
  ASSERT_TRUE(step("plug-keyboard"));
  ASSERT_OK(guest.plug_keyboard("keyboard", 3));
  ASSERT_TRUE(step("unplug-sticks"));
  ASSERT_OK(guest.unplug("stick"));
  ASSERT_OK(guest.unplug("allowed"));

  auto exit_code = guest.wait_exit(seconds(60));
  ASSERT_TRUE(exit_code) << exit_code.error().describe();
  EXPECT_EQ(*exit_code, 0) << "the scenario failed: " << guest.report("error").value_or("(no error reported)")
                           << "\nreports:\n" << reports_text(guest);
  EXPECT_EQ(guest.report("error"), std::nullopt);

  auto report = [&](const char* key) { return guest.report(key).value_or("(not reported)"); };
  // What the kernel started from: new devices are not authorized.
  EXPECT_EQ(report("roothub.usb1.authorized_default"), "0");
  EXPECT_EQ(report("roothub.usb2.authorized_default"), "0");
  EXPECT_EQ(report("boot_keyboard.authorized"), "0");

  // (a) unauthorized: nothing to talk to, no disk; the serial is readable.
  EXPECT_EQ(report("stick.authorized"), "0");
  EXPECT_EQ(report("stick.serial_unauthorized"), "CUSTOS-BLOCK-0001");
  EXPECT_EQ(report("stick.id"), "46f4:0001");
  EXPECT_EQ(report("stick.configuration_unauthorized"), "");
  EXPECT_EQ(report("stick.interfaces_unauthorized"), "none");
  EXPECT_EQ(report("stick.disk_unauthorized"), "none");
  // (b) authorized: a disk, reached through the device with that serial.
  EXPECT_EQ(report("stick.disk"), "sda");
  EXPECT_EQ(report("stick.interface"), "08/06/50");
  EXPECT_EQ(report("stick.scsi_type"), "0");
  // (c) read-only before mount.
  EXPECT_EQ(report("stick.blkroset"), "ro=1");
  EXPECT_EQ(report("stick.getro"), "1");
  EXPECT_EQ(report("stick.mount_options"), "ro");
  EXPECT_EQ(report("stick.read"), "hello from the host");
  EXPECT_EQ(report("stick.write"), "failed");
  // The allow-listed stick: decided on its serial, then writable.
  EXPECT_EQ(report("allowed.authorized"), "0");
  EXPECT_EQ(report("allowed.serial_unauthorized"), "CUSTOS-ALLOW-0002");
  EXPECT_EQ(report("allowed.disk"), "sdb");
  EXPECT_EQ(report("allowed.write"), "succeeded");
  // (d) the CD drive: a stick at the USB level, SCSI type 5 once bound.
  EXPECT_EQ(report("cdrom.authorized"), "0");
  EXPECT_EQ(report("cdrom.sr_unauthorized"), "none");
  EXPECT_EQ(report("cdrom.interface"), "08/06/50");
  EXPECT_EQ(report("cdrom.scsi_type"), "5");
  EXPECT_EQ(report("cdrom.read"), "hello from the CD");
  // (e) the keyboard.
  EXPECT_EQ(report("keyboard.authorized"), "0");
  EXPECT_EQ(report("keyboard.id"), "0627:0001");
  EXPECT_EQ(report("keyboard.driver"), "usbhid");
  EXPECT_EQ(report("keyboard.interface"), "03/01/01");
  EXPECT_EQ(report("keyboard.input"), "present");
  EXPECT_EQ(report("unplug.disks"), "none");

  // Files the guest wrote come back byte for byte.
  auto copied = guest.read_back("/outbox/bytes.bin");
  ASSERT_TRUE(copied) << copied.error().describe();
  EXPECT_EQ(*copied, bytes);
  auto summary = guest.read_back("/outbox/summary.txt");
  ASSERT_TRUE(summary) << summary.error().describe();
  EXPECT_EQ(*summary, "usb_kernel scenario done\n");
}

}  // namespace
}  // namespace custos::testing
