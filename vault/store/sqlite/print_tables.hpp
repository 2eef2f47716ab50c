// The controlled-printing table of the SQLite store (migration 8): what
// SqliteTransaction's print methods run. Each call runs inside the caller's
// transaction.
//
// Thread-safety: as the Database it is given (one transaction at a time).
#pragma once

#include <vector>

#include "custos/vault/print_model.hpp"
#include "sqlite/database.hpp"

namespace custos::vault::sqlite {

class PrintTables {
 public:
  explicit PrintTables(Database& db) : db_(db) {}

  Result<PrintRequest> insert(const PrintRequest& request);
  Result<PrintRequest> by_id(Id request);
  Result<std::vector<PrintRequest>> list(const PrintQuery& query);
  Result<std::vector<PrintRequest>> printed_between(UnixSeconds from, UnixSeconds to, std::optional<Id> department);
  Result<void> update(const PrintRequest& request, PrintState expected);

 private:
  Database& db_;
};

}  // namespace custos::vault::sqlite
