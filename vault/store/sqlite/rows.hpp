// Reading statement results in the SQLite store: the helpers every table's
// code shares. Internal to the store.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "sqlite/database.hpp"

namespace custos::vault::sqlite {

// Propagates a store error out of a function returning Result<...>.
#define TRY_STMT(var, expr)                             \
  auto var##_result = (expr);                           \
  if (!var##_result) return fail(var##_result.error()); \
  auto& var = *var##_result

// An integer column that may be NULL.
inline std::optional<std::int64_t> optional_integer(const Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return s.integer(column);
}

// Runs a query expected to yield one row, read by `reader`.
template <class Reader>
auto one_row(Result<Statement> stmt, Reader reader, const char* missing)
    -> Result<decltype(reader(std::declval<const Statement&>()))> {
  if (!stmt) return fail(stmt.error());
  auto row = stmt->step();
  if (!row) return fail(row.error());
  if (!*row) return fail(ErrorCode::not_found, missing);
  return reader(*stmt);
}

// Every row, each read by `reader`.
template <class Reader>
auto all_rows(Statement& stmt, Reader reader) -> Result<std::vector<decltype(reader(stmt))>> {
  std::vector<decltype(reader(stmt))> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return fail(row.error());
    if (!*row) return out;
    out.push_back(reader(stmt));
  }
}

// The first row if there is one.
template <class Reader>
auto optional_row(Statement& stmt, Reader reader) -> Result<std::optional<decltype(reader(stmt))>> {
  auto row = stmt.step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<decltype(reader(stmt))>();
  return std::optional<decltype(reader(stmt))>(reader(stmt));
}

}  // namespace custos::vault::sqlite
