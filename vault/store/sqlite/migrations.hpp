// The store's numbered schema migrations. Migration N takes the schema from
// version N-1 to N; they are applied in order, each in its own transaction,
// when the store opens. Released migrations are never edited, only added to.
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
