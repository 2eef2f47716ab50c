// In-memory stand-ins for the device interfaces, for the agent's unit tests:
// a scripted event source, a USB bus and an authorizer that share one list
// of devices, and block devices with read-only and mount flags. Each can be
// told to fail a name, so callers' error paths are tested too.
//
// The Linux implementations are tested on their own over a fake sysfs tree
// (linux.hpp); these fakes stand in for the whole platform where the code
// under test is the agent's.
//
// Thread-safety: none; a fake belongs to one test thread.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "custos/device/block_devices.hpp"
#include "custos/device/uevent.hpp"
#include "custos/device/usb.hpp"
#include "custos/device/usb_authorizer.hpp"

namespace custos::device {

// Hands out a script of events. A raw datagram goes through parse_uevent
// (libudev ones are skipped, malformed ones come out as their Error), so a
// script can carry exact kernel bytes. An exhausted script times out at once.
class ScriptedUeventSource final : public UeventSource {
 public:
  struct Timeout {};
  using Step = std::variant<std::string /* datagram */, Uevent, Error, Timeout>;

  ScriptedUeventSource() = default;
  explicit ScriptedUeventSource(std::vector<Step> script) : script_(script.begin(), script.end()) {}
  void push(Step step) { script_.push_back(std::move(step)); }
  bool done() const noexcept { return script_.empty(); }

  Result<std::optional<Uevent>> next(std::chrono::milliseconds timeout) override;

 private:
  std::deque<Step> script_;
};

// The devices of a fake bus, with their authorization state. FakeUsbBus
// reads it; FakeUsbAuthorizer changes it and logs every change.
struct FakeUsbState {
  std::map<std::string, UsbDevice, std::less<>> devices;  // by name
  std::map<std::string, bool, std::less<>> authorized_default;           // by root hub; absent = true
  std::map<std::string, bool, std::less<>> interface_authorized_default;  // by root hub; absent = true
  std::set<std::string, std::less<>> probed;           // interfaces written to drivers_probe
  std::map<std::string, ErrorCode, std::less<>> failing; // names whose changes fail with that code
  std::vector<std::string> log;              // "authorize_interface 2-1:1.0 0", ...

  // Adds or replaces a device, filling its descriptor hash.
  void plug(UsbDevice device);
  void unplug(const std::string& name);
};

class FakeUsbBus final : public UsbBus {
 public:
  explicit FakeUsbBus(const FakeUsbState& state) : state_(state) {}
  Result<std::vector<UsbDevice>> devices() const override;
  Result<UsbDevice> device(std::string_view name) const override;

 private:
  const FakeUsbState& state_;
};

class FakeUsbAuthorizer final : public UsbAuthorizer {
 public:
  explicit FakeUsbAuthorizer(FakeUsbState& state) : state_(state) {}
  Result<void> set_authorized_default(std::string_view root_hub, bool authorized) override;
  Result<void> set_interface_authorized_default(std::string_view root_hub, bool authorized) override;
  Result<bool> authorized_default(std::string_view root_hub) const override;
  Result<bool> interface_authorized_default(std::string_view root_hub) const override;
  Result<void> authorize_device(std::string_view name, bool authorized) override;
  Result<void> authorize_interface(std::string_view name, bool authorized) override;
  Result<bool> device_authorized(std::string_view name) const override;
  Result<bool> interface_authorized(std::string_view name) const override;

 private:
  // Logs the change, or returns the failure set for `name`.
  Result<void> change(std::string_view what, std::string_view name, bool value);
  FakeUsbState& state_;
};

class FakeBlockDevices final : public BlockDevices {
 public:
  // A block device that belongs to the USB device or interface `usb_name`
  // (of_usb finds it for that name and, for an interface name, its device).
  void add(BlockDevice block, std::string usb_name);
  void remove(const std::string& name);
  void set_mounted(const std::string& name, bool mounted);
  void fail(const std::string& name, ErrorCode code) { failing_[name] = code; }

  Result<std::vector<BlockDevice>> of_usb(std::string_view usb_name) const override;
  Result<BlockDevice> device(std::string_view name) const override;
  Result<void> set_read_only(std::string_view name, bool read_only) override;
  Result<bool> is_read_only(std::string_view name) const override;
  Result<bool> is_mounted(std::string_view name) const override;

 private:
  struct Entry {
    BlockDevice block;
    std::string usb_name;
    bool read_only = false;
    bool mounted = false;
  };
  Result<const Entry*> find(std::string_view name) const;

  std::map<std::string, Entry, std::less<>> blocks_;
  std::map<std::string, ErrorCode, std::less<>> failing_;
};

}  // namespace custos::device
