// A device described in JSON, for `custos policy test FILE --device JSON`
// (the IT engineer's dry run). The shape, every key but `id` optional:
//
//   {
//     "id": "0781:5581",                 VID:PID, 4 hex digits each
//     "serial": "4C530001231120115142",  default ""
//     "name": "Cruzer Blade",            default ""
//     "hash": "Xh2k...=",                default ""
//     "via_port": "1-2",                 default ""
//     "connect_type": "hotplug",         "hotplug" | "hardwired" | "unknown" (default)
//     "interfaces": ["08:06:50"]         CC:SS:PP each, default []
//   }
//
// Unknown keys are refused (a misspelt key would silently change the
// answer). Errors are invalid_argument with a message naming the key.
//
// Only in ordinary builds: the fuzzing build has no Boost.JSON and does not
// define this function.
//
// Thread-safety: pure function.
#pragma once

#include <string_view>

#include "custos/platform/error.hpp"
#include "custos/policy/device.hpp"

namespace custos::policy {

Result<Device> parse_device_json(std::string_view json);

}  // namespace custos::policy
