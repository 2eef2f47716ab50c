// The policy's print rule for a document: may documents of its level in its
// department be printed at all (still with an approval)? The newest applied
// policy decides (a department it does not name may not print); before any
// policy is applied, the built-in level defaults do (top_secret never).
// Asked when a print preview of a vault document releases its content.
// Internal to vault/service/.
#pragma once

#include "custos/vault/model.hpp"
#include "custos/vault/store.hpp"

namespace custos::vault {

// permission_denied naming the rule when `document` may not be printed.
Result<void> check_print_rule(Transaction& tx, const Document& document);

}  // namespace custos::vault
