// A bootable test guest: a Debian kernel and an initramfs made by
// tests/qemu/build-guest.sh from a scenario script and host files.
//
// The kernel package is downloaded once into the kernel cache (the CMake
// setting CUSTOS_QEMU_CACHE_DIR, by default <build>/qemu-cache; the
// environment variable CUSTOS_QEMU_CACHE overrides it); images live under
// <build>/qemu-guests/<name>/ and are rebuilt only when an input changed.
//
// Thread-safety: build_guest_image may run from several processes at once
// (the script locks the cache); use distinct names for distinct images.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::testing {

// A host file to copy into the guest. When it is a dynamically linked
// program, the shared libraries `ldd` lists and the dynamic loader come too,
// at their host paths.
struct GuestFile {
  std::filesystem::path host;
  std::string guest;  // absolute path inside the guest, e.g. "/usr/local/bin/custos-agent"
};

struct GuestImageSpec {
  // Names the image's folder; one per test program, e.g. "usb_kernel".
  std::string name;
  // The busybox sh script /init runs (as /scenario.sh) with the helpers of
  // tests/qemu/guest/guest.sh: mark, report, send_file, wait_until, ...
  std::filesystem::path scenario;
  // Programs and data to add (the agent, its policy bundle, ...).
  std::vector<GuestFile> files;
  // Kernel modules to load at boot beyond the default set (xHCI, usb-storage,
  // uas, sd, sr, isofs, vfat with its code pages, usbhid, evdev).
  std::vector<std::string> modules;
};

struct GuestImage {
  std::filesystem::path kernel;  // an uncompressed vmlinux (PVH boot) or a bzImage
  std::filesystem::path initrd;
  std::string kernel_version;    // e.g. "6.1.0-56-amd64"
  std::filesystem::path dir;     // <build>/qemu-guests/<name>
};

// Builds (or finds up to date) the image described by `spec`. Fails with
// `unavailable` when the kernel package cannot be had (first run without the
// Debian mirror); the message says what to do.
Result<GuestImage> build_guest_image(const GuestImageSpec& spec);

// An empty folder for one run's logs, sockets and disk images:
// <build>/qemu-guests/<name>/run, emptied first. It is left in place after
// the run so that a failure can be looked at.
Result<std::filesystem::path> fresh_run_dir(const std::string& name);

}  // namespace custos::testing
