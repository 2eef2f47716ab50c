// The policy's view rule for a document, asked of a user and of the
// workstation (the agent's department): `levels.LEVEL.view_own_department_only`
// of the document's department in the latest applied policy, or the
// built-in level defaults (docs/policy.md) when there is no policy or it
// does not name the department. Internal to vault/service/.
#pragma once

#include <string_view>

#include "custos/vault/model.hpp"
#include "custos/vault/store.hpp"

namespace custos::vault {

// permission_denied naming the rule when `user_department` or
// `workstation_department` may not view `document`.
Result<void> check_view_rule(Transaction& tx, const Document& document, std::string_view user_department,
                             std::string_view workstation_department);

}  // namespace custos::vault
