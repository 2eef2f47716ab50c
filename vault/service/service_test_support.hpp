// The services' test fixture: the harness's services over a real SQLite
// store in a temporary folder, with an IT engineer, a project lead and a
// clerk of "claims" and a project lead of "sales". Test code only.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "custos/vault/directory_service.hpp"
#include "custos/vault/document_service.hpp"
#include "custos/vault/grant_service.hpp"
#include "custos/vault/sqlite_store.hpp"
#include "service_test_harness.hpp"

namespace custos::vault {

class ServiceTest : public ::testing::Test, protected ServiceHarness {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_services("svc", origin()));
    ASSERT_TRUE(directory->create_department(admin, "sales", origin()));
    lead = make("lead", "claims", {Role::project_lead});
    clerk = make("clerk", "claims", {Role::info_clerk});
    other_lead = make("lead2", "sales", {Role::project_lead});
  }
  // Ends every service and closes the store (its files stay).
  virtual void close_store() { close_services(); }

  Origin origin() const { return Origin{"req", "127.0.0.1", now_seconds(), ""}; }

  Principal make(const std::string& name, const std::string& dept, RoleSet roles) {
    NewUser u{name, name, dept, roles, Secret::from_string(name + "-password-1")};
    auto made = directory->create_user(admin, std::move(u), origin());
    EXPECT_TRUE(made) << made.error().describe();
    return Principal{made->user, ""};
  }

  Result<Document> upload(const Principal& by, const std::string& content, Level level = Level::secret,
                          const std::string& title = "客户清单") {
    auto up = documents->begin_upload(by, NewDocument{title, level, "", "list.csv", "text/csv"}, origin());
    if (!up) return fail(up.error());
    // Feed in uneven pieces to cross chunk boundaries.
    std::size_t at = 0;
    while (at < content.size()) {
      const auto n = std::min<std::size_t>(content.size() - at, 777777);
      CUSTOS_TRY_VOID((*up)->write(as_bytes(std::string_view(content).substr(at, n))));
      at += n;
    }
    return (*up)->finish(origin());
  }

  Result<std::string> read_all(const Principal& by, Id id) {
    auto reader = documents->open_content(by, id, origin(), by.user.department);
    if (!reader) return fail(reader.error());
    std::string out;
    Secret piece;
    for (;;) {
      auto more = (*reader)->next(piece);
      if (!more) return fail(more.error());
      if (!*more) return out;
      out += piece.unsafe_view();
    }
  }

  void raw_sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  // The one integer a query yields (-1 when it yields none).
  std::int64_t count(const std::string& sql) {
    sqlite3* db = nullptr;
    std::int64_t value = -1;
    if (sqlite3_open_v2((dir / "vault.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        value = sqlite3_column_int64(stmt, 0);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return value;
  }

  // The document's published blob, and the names in the blob folder.
  std::filesystem::path blob_path(Id id) const { return dir / "blobs" / std::to_string(id); }
  std::vector<std::string> blob_names() const {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "blobs")) {
      out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Principal lead, clerk, other_lead;
};

inline Bytes file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::string sample(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return s;
}

}  // namespace custos::vault
