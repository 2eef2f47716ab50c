// The canonical TOML form of a policy: every key written out (nothing left to
// [defaults] or built-in values), keys in one fixed order, every rule carrying
// its id as a label. The same policy always renders to the same bytes, which
// makes it the payload of signed bundles and the text of `custos policy show`;
// parsing it gives back an equal policy.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "custos/policy/model.hpp"

namespace custos::policy {

std::string to_canonical_toml(const Department& department);
std::string to_canonical_toml(const Policy& policy);  // departments by name, separated by a blank line

// A TOML basic string with its quotes: "a \"b\"".
std::string toml_quote(std::string_view text);

}  // namespace custos::policy
