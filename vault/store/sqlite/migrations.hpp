// The store's numbered schema migrations, in ascending order of version.
// Each takes the schema from the version before it to its own; those above
// the store's version are applied in order, each in its own transaction,
// when the store opens. Versions may skip a number that another change
// holds. Released migrations are never edited, only added to.
#pragma once

#include <span>

namespace custos::vault::sqlite {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

std::span<const Migration> migrations();

}  // namespace custos::vault::sqlite
