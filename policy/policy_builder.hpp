// Internal: the one way to construct a Policy, used by the parser once a
// file has passed every check (bundles go through the parser too).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "custos/policy/model.hpp"

namespace custos::policy::detail {

struct PolicyBuilder {
  static Policy make(std::string source_name, std::vector<Department> departments) {
    return Policy::from_checked(std::move(source_name), std::move(departments));
  }
};

}  // namespace custos::policy::detail
