// A thin RAII layer over the SQLite C API: a connection with a cache of
// prepared statements, and statements whose errors come back as Error.
// Internal to the store.
//
// Thread-safety: none; the store serialises access.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "custos/platform/encoding.hpp"
#include "custos/platform/error.hpp"

namespace custos::vault::sqlite {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  // Resets and clears bindings so the cached statement is ready again.
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, std::span<const std::uint8_t> value);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Steps once: true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion (for statements without rows).
  Result<void> run();

  std::int64_t integer(int column) const;
  std::string text(int column) const;
  Bytes blob(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  static Result<Database> open(const std::filesystem::path& path, bool create);
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  ~Database();

  Result<void> exec(const char* sql);
  // A cached prepared statement; valid until the next call of prepare()
  // with the same text (callers use one at a time).
  Result<Statement> prepare(const char* sql);
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<const char*, sqlite3_stmt*> cache_;  // keyed by the SQL literal's address
};

// Maps an SQLite result code to our error codes, with the library's message.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

}  // namespace custos::vault::sqlite
