// Enforcement through the kernel's USB authorization (sysfs `authorized`).
//
// An unauthorized device or interface gets no driver: a deauthorized storage
// interface loses its disk at once, while the keyboard interface of the same
// composite device keeps working. Root hubs carry the defaults for devices
// that arrive later: `authorized_default` 0 makes new devices arrive
// unauthorized until the agent has decided; `interface_authorized_default` 0
// does the same per interface (hub interfaces included, which then need
// explicit authorization).
//
// The kernel does not bind a driver again when an interface is re-authorized;
// authorize_interface(name, true) therefore also asks the bus to probe it
// (sysfs `bus/usb/drivers_probe`).
//
// Every call either did what it says or returns an Error: a refused open, a
// failed or short write, a failed close are all reported, with the code from
// errno (permission_denied, not_found, io, ...). Nothing is reported as
// enforced that the kernel did not accept.
//
// Thread-safety: implementations may be called from several threads; calls
// on the same device race as the kernel's sysfs writes do (last one wins).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos::device {

class UsbAuthorizer {
 public:
  virtual ~UsbAuthorizer() = default;

  // Root hub defaults ("usb1", ...): whether devices / interfaces that
  // appear later are authorized without being asked.
  virtual Result<void> set_authorized_default(std::string_view root_hub, bool authorized) = 0;
  virtual Result<void> set_interface_authorized_default(std::string_view root_hub, bool authorized) = 0;
  virtual Result<bool> authorized_default(std::string_view root_hub) const = 0;
  virtual Result<bool> interface_authorized_default(std::string_view root_hub) const = 0;

  // A whole device ("2-1"), or one interface ("2-1:1.0").
  virtual Result<void> authorize_device(std::string_view name, bool authorized) = 0;
  virtual Result<void> authorize_interface(std::string_view name, bool authorized) = 0;
  virtual Result<bool> device_authorized(std::string_view name) const = 0;
  virtual Result<bool> interface_authorized(std::string_view name) const = 0;
};

// set_authorized_default on every root hub in `root_hubs`; stops at the
// first failure and returns it (the hubs before it are already set).
Result<void> set_authorized_default_on(UsbAuthorizer& authorizer, std::span<const std::string> root_hubs,
                                       bool authorized);

}  // namespace custos::device
