// USB devices as sysfs shows them, and the interface that lists them.
//
// sysfs names every USB device by where it is plugged in: "usb2" is the root
// hub of bus 2, "2-1" the device on its port 1, "2-1.3" the device on port 3
// of the hub at "2-1". An interface is "<device>:<configuration>.<number>",
// e.g. "2-1:1.0". These names are what UsbAuthorizer and BlockDevices take.
//
// Thread-safety: the structs are plain values. A UsbBus implementation may be
// called from several threads at once unless it says otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::device {

// sysfs's `removable` attribute: what the hub says about the port.
enum class Removable : std::uint8_t { unknown, removable, fixed };
std::string_view to_string(Removable value) noexcept;
Removable removable_from_string(std::string_view text) noexcept;  // unknown if neither

struct UsbInterface {
  std::string name;                 // "2-1:1.0"
  std::uint8_t number = 0;          // bInterfaceNumber
  std::uint8_t cls = 0;             // bInterfaceClass (08 mass storage, 03 HID, ...)
  std::uint8_t subclass = 0;        // bInterfaceSubClass
  std::uint8_t protocol = 0;        // bInterfaceProtocol
  bool authorized = true;           // the interface's `authorized` attribute
  std::string driver;               // the bound driver ("usb-storage"), empty when none
  friend bool operator==(const UsbInterface&, const UsbInterface&) = default;
};

struct UsbDevice {
  std::string name;                 // "2-1", or "usb2" for a root hub
  std::string sysfs_path;           // "/devices/pci0000:00/0000:00:04.0/usb2/2-1" (as in DEVPATH)
  bool root_hub = false;
  std::uint16_t vendor_id = 0;      // idVendor
  std::uint16_t product_id = 0;     // idProduct
  std::uint16_t bcd_device = 0;     // bcdDevice, the device's release number
  std::string serial;               // empty when the device has none
  std::string manufacturer;         // empty when absent
  std::string product;              // empty when absent
  std::uint32_t busnum = 0;
  std::uint32_t devnum = 0;
  Removable removable = Removable::unknown;
  std::uint8_t device_class = 0;    // bDeviceClass (00: per interface, 09: hub, ...)
  std::uint8_t device_subclass = 0;
  std::uint8_t device_protocol = 0;
  bool authorized = true;           // the device's `authorized` attribute
  std::vector<UsbInterface> interfaces;  // of the active configuration, by name
  std::string descriptor_hash;      // descriptor_hash(*this), lower-case hex

  friend bool operator==(const UsbDevice&, const UsbDevice&) = default;
};

// SHA-256 (hex) over the device's identity as read from its descriptors:
// vendor, product, release, serial, manufacturer and product strings, device
// class triple and every interface's number and class triple, each field
// length-prefixed so no two devices share an encoding. Where the device is
// plugged in (name, bus, devnum) and authorization state are left out: the
// same stick hashes the same on every port.
std::string descriptor_hash(const UsbDevice& device);

// Names come from uevents and users; only sysfs's own shapes pass, so no name
// can climb out of the sysfs folder. "usb<bus>", "<bus>-<port>[.<port>]*",
// and for interfaces "<device>:<config>.<number>".
bool is_usb_device_name(std::string_view name) noexcept;
bool is_usb_interface_name(std::string_view name) noexcept;
bool is_root_hub_name(std::string_view name) noexcept;

// Lists the USB devices present. Implementations: SysfsUsbBus (linux.hpp),
// FakeUsbBus (fake.hpp).
class UsbBus {
 public:
  virtual ~UsbBus() = default;

  // Every device including root hubs, sorted by name. A device that goes
  // away while it is being read is left out; any other failure is an Error.
  virtual Result<std::vector<UsbDevice>> devices() const = 0;
  // One device by name: not_found when it is not (or no longer) there,
  // invalid_argument for a name of the wrong shape.
  virtual Result<UsbDevice> device(std::string_view name) const = 0;
};

}  // namespace custos::device
