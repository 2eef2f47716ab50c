// The controlled-printing tables of the SQLite store (print_requests,
// migration 8; print_copy_events, migration 9): what
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

  Result<PrintCopyEvent> insert_event(const PrintCopyEvent& event);
  Result<std::vector<PrintCopyEvent>> events_between(UnixSeconds from, UnixSeconds to, std::optional<Id> department,
                                                     std::optional<CopyEventKind> kind);
  Result<std::vector<PrintCopyEvent>> events_of_printed_between(UnixSeconds from, UnixSeconds to,
                                                                std::optional<Id> department);

 private:
  Database& db_;
};

}  // namespace custos::vault::sqlite
