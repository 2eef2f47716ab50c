// The services over a real SQLite store in a temporary folder.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "custos/vault/directory_service.hpp"
#include "custos/vault/document_service.hpp"
#include "custos/vault/grant_service.hpp"
#include "custos/vault/identifier_hasher.hpp"
#include "custos/vault/sqlite_store.hpp"
#include "service_test_harness.hpp"

namespace custos::vault {
namespace {

class ServiceTest : public ::testing::Test, protected ServiceHarness {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_services("svc", origin()));
    ASSERT_TRUE(directory->create_department(admin, "sales", origin()));
    lead = make("lead", "claims", {Role::project_lead});
    clerk = make("clerk", "claims", {Role::info_clerk});
    other_lead = make("lead2", "sales", {Role::project_lead});
  }

  Origin origin() const { return Origin{"req", "127.0.0.1", now_seconds(), ""}; }

  Principal make(const std::string& name, const std::string& dept, RoleSet roles) {
    NewUser u{name, name, dept, roles, Secret::from_string(name + "-password-1")};
    auto made = directory->create_user(admin, std::move(u), origin());
    EXPECT_TRUE(made) << made.error().describe();
    return Principal{made->user, ""};
  }

  Result<Document> upload(const Principal& by, const std::string& content, Level level = Level::secret) {
    auto up = documents->begin_upload(by, NewDocument{"客户清单", level, "", "list.csv", "text/csv"}, origin());
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
    auto reader = documents->open_content(by, id, origin());
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

  Principal lead, clerk, other_lead;
};

std::string sample(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return s;
}

TEST_F(ServiceTest, UploadGrantReadRoundTrip) {
  const auto content = sample(3 * 1024 * 1024 + 123);  // four chunks, the last one partial
  auto doc = upload(lead, content);
  ASSERT_TRUE(doc) << doc.error().describe();
  EXPECT_EQ(doc->size, content.size());
  EXPECT_EQ(doc->chunk_count, 4u);
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::permission_denied);
  auto g = grants->grant(lead, doc->id, "clerk", now_seconds() + 3600, origin());
  ASSERT_TRUE(g) << g.error().describe();
  auto plain = read_all(clerk, doc->id);
  ASSERT_TRUE(plain) << plain.error().describe();
  EXPECT_EQ(*plain, content);
  ASSERT_TRUE(grants->revoke(lead, g->id, origin()));
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::permission_denied);
}

TEST_F(ServiceTest, EmptyFileRoundTrips) {
  auto doc = upload(lead, "");
  ASSERT_TRUE(doc);
  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  EXPECT_EQ(*read_all(clerk, doc->id), "");
}

TEST_F(ServiceTest, AlteredCiphertextFailsClosed) {
  auto doc = upload(lead, sample(2 * 1024 * 1024 + 5));
  ASSERT_TRUE(doc);
  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  raw_sql("UPDATE document_chunks SET data = CAST(substr(data, 1, 100) || 'X' || substr(data, 102) AS BLOB) "
          "WHERE document_id = " + std::to_string(doc->id) + " AND idx = 1");
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::crypto);
}

TEST_F(ServiceTest, TruncatedContentFailsClosed) {
  auto doc = upload(lead, sample(2 * 1024 * 1024 + 5));
  ASSERT_TRUE(doc);
  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  raw_sql("DELETE FROM document_chunks WHERE document_id = " + std::to_string(doc->id) + " AND idx = 2");
  raw_sql("UPDATE documents SET chunk_count = 2 WHERE id = " + std::to_string(doc->id));
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::corrupt);
}

TEST_F(ServiceTest, ChangedLevelBreaksTheBinding) {
  // The level is bound as associated data: relabelling the row does not
  // produce a readable document at another level.
  auto doc = upload(lead, "policyholder list", Level::top_secret);
  ASSERT_TRUE(doc);
  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  raw_sql("UPDATE documents SET level = 'secret' WHERE id = " + std::to_string(doc->id));
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::corrupt);
}

TEST_F(ServiceTest, WrongVaultKeyFailsClosed) {
  auto doc = upload(lead, "data");
  ASSERT_TRUE(doc);
  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  const auto other_key = Secret::random(32);
  DocumentService other(*store, *sink, other_key);
  EXPECT_EQ(other.open_content(clerk, doc->id, origin()).error().code, ErrorCode::corrupt);
}

TEST_F(ServiceTest, AbortedUploadLeavesNothing) {
  {
    auto up = documents->begin_upload(lead, NewDocument{"t", Level::secret, "", "f", "text/plain"}, origin());
    ASSERT_TRUE(up);
    ASSERT_TRUE((*up)->write(as_bytes(sample(2 * 1024 * 1024))));
    (*up)->abort(origin(), Error{ErrorCode::unavailable, "connection closed"});
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM document_chunks)", -1, &stmt,
                     nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(ServiceTest, GrantRules) {
  auto doc = upload(lead, "x");
  ASSERT_TRUE(doc);
  const auto soon = now_seconds() + 3600;
  EXPECT_EQ(grants->grant(other_lead, doc->id, "clerk", soon, origin()).error().code, ErrorCode::permission_denied)
      << "a grant on another department's document";
  EXPECT_EQ(grants->grant(clerk, doc->id, "clerk", soon, origin()).error().code, ErrorCode::permission_denied)
      << "a clerk cannot grant";
  EXPECT_EQ(grants->grant(lead, doc->id, "nobody", soon, origin()).error().code, ErrorCode::not_found);
  EXPECT_EQ(grants->grant(lead, doc->id, "clerk", now_seconds() - 1, origin()).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(grants->grant(lead, doc->id, "clerk", now_seconds() + 400LL * 86400, origin()).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(grants->grant(lead, 9999, "clerk", soon, origin()).error().code, ErrorCode::not_found);
}

TEST_F(ServiceTest, UploadRules) {
  EXPECT_EQ(documents->begin_upload(clerk, NewDocument{"t", Level::secret, "", "", ""}, origin()).error().code,
            ErrorCode::permission_denied);
  EXPECT_EQ(documents->begin_upload(lead, NewDocument{"t", Level::secret, "sales", "", ""}, origin()).error().code,
            ErrorCode::permission_denied);
  EXPECT_EQ(documents->begin_upload(lead, NewDocument{"t", Level::unknown, "", "", ""}, origin()).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(documents->begin_upload(lead, NewDocument{"", Level::secret, "", "", ""}, origin()).error().code,
            ErrorCode::invalid_argument);
}

TEST_F(ServiceTest, LoginLockoutAfterFiveFailures) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(auth->login("clerk", Secret::from_string("wrong"), origin()).error().code, ErrorCode::unauthenticated);
  }
  EXPECT_EQ(auth->login("clerk", Secret::from_string("wrong"), origin()).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(auth->login("clerk", Secret::from_string("clerk-password-1"), origin()).error().code, ErrorCode::locked);
}

TEST_F(ServiceTest, SessionLifecycle) {
  auto login = auth->login("clerk", Secret::from_string("clerk-password-1"), origin());
  ASSERT_TRUE(login) << login.error().describe();
  auto principal = auth->authenticate(login->token, origin());
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user.name, "clerk");
  Origin late = origin();
  late.now += 31 * 60;
  EXPECT_EQ(auth->authenticate(login->token, late).error().code, ErrorCode::unauthenticated) << "idle expiry";
  EXPECT_EQ(auth->authenticate(Secret::from_string("cst_forged"), origin()).error().code, ErrorCode::unauthenticated);
  ASSERT_TRUE(directory->disable_user(admin, "clerk", origin()));
  EXPECT_EQ(auth->authenticate(login->token, origin()).error().code, ErrorCode::unauthenticated)
      << "disabling ends sessions";
  EXPECT_EQ(auth->login("clerk", Secret::from_string("clerk-password-1"), origin()).error().code,
            ErrorCode::permission_denied);
}

TEST_F(ServiceTest, UnknownUserIsUnauthenticated) {
  EXPECT_EQ(auth->login("ghost", Secret::from_string("whatever-1234"), origin()).error().code,
            ErrorCode::unauthenticated);
}

TEST_F(ServiceTest, PasswordChangeEndsSessions) {
  auto login = auth->login("lead", Secret::from_string("lead-password-1"), origin());
  ASSERT_TRUE(login);
  auto principal = *auth->authenticate(login->token, origin());
  EXPECT_EQ(auth->change_password(principal, Secret::from_string("bad"), Secret::from_string("new-password-22"), origin())
                .error().code, ErrorCode::permission_denied);
  EXPECT_EQ(auth->change_password(principal, Secret::from_string("lead-password-1"), Secret::from_string("short"), origin())
                .error().code, ErrorCode::invalid_argument);
  ASSERT_TRUE(auth->change_password(principal, Secret::from_string("lead-password-1"),
                                    Secret::from_string("new-password-22"), origin()));
  EXPECT_FALSE(auth->authenticate(login->token, origin()));
  EXPECT_TRUE(auth->login("lead", Secret::from_string("new-password-22"), origin()));
}

TEST(IdentifierHasher, IsKeyedDeterministicAndExact) {
  const IdentifierHasher a(Secret::from_string(std::string(32, 'a')));
  const IdentifierHasher b(Secret::from_string(std::string(32, 'b')));
  const auto hash = a.hash("张三 110101199003074514");
  EXPECT_TRUE(hash.starts_with(kIdentifierHashPrefix));
  EXPECT_EQ(hash.size(), kIdentifierHashPrefix.size() + 64);
  EXPECT_EQ(hash, a.hash("张三 110101199003074514"));
  EXPECT_NE(hash, b.hash("张三 110101199003074514"));  // another vault, another hash
  EXPECT_NE(hash, a.hash("张三 110101199003074514 "));  // exact bytes, no trimming
  EXPECT_EQ(hash.find("张三"), std::string::npos);
}

}  // namespace
}  // namespace custos::vault
