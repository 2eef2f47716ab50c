// The services over a real SQLite store in a temporary folder.
#include "service_test_support.hpp"

#include "custos/vault/identifier_hasher.hpp"
#include "custos/vault/policy_service.hpp"

namespace custos::vault {
namespace {

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
  auto bytes = file_bytes(blob_path(doc->id));
  ASSERT_EQ(bytes.size(), blob_size(doc->size, doc->chunk_count));
  bytes[blob_chunk_offset(1) + 100] ^= 0x01;  // one bit inside the second chunk
  write_file(blob_path(doc->id), bytes);
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::crypto);
}

TEST_F(ServiceTest, TruncatedContentFailsClosed) {
  auto doc = upload(lead, sample(2 * 1024 * 1024 + 5));
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->chunk_count, 3u);
  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  // The last chunk cut off, and the row made to agree: the blob's size
  // checks out, only the missing FINAL tag tells.
  std::filesystem::resize_file(blob_path(doc->id), blob_chunk_offset(2));
  raw_sql("UPDATE documents SET chunk_count = 2, size = " + std::to_string(2 * 1024 * 1024) +
          " WHERE id = " + std::to_string(doc->id));
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::corrupt);
}

TEST_F(ServiceTest, ABlobOfTheWrongSizeOrAnotherDocumentFailsClosed) {
  auto first = upload(lead, sample(1000));
  auto second = upload(lead, sample(1000));
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(grants->grant(lead, first->id, "clerk", now_seconds() + 60, origin()));
  std::filesystem::copy_file(blob_path(second->id), blob_path(first->id),
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(read_all(clerk, first->id).error().code, ErrorCode::corrupt) << "another document's ciphertext";
  std::filesystem::resize_file(blob_path(first->id), 500);
  EXPECT_EQ(read_all(clerk, first->id).error().code, ErrorCode::corrupt) << "cut short";
  std::filesystem::remove(blob_path(first->id));
  EXPECT_EQ(read_all(clerk, first->id).error().code, ErrorCode::corrupt) << "missing";
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
  DocumentService other(*store, *blobs, *sink, other_key);
  EXPECT_EQ(other.open_content(clerk, doc->id, origin(), clerk.user.department).error().code, ErrorCode::corrupt);
}

TEST_F(ServiceTest, AbortedUploadLeavesNothing) {
  {
    auto up = documents->begin_upload(lead, NewDocument{"t", Level::secret, "", "f", "text/plain"}, origin());
    ASSERT_TRUE(up);
    ASSERT_TRUE((*up)->write(as_bytes(sample(2 * 1024 * 1024))));
    (*up)->abort(origin(), Error{ErrorCode::unavailable, "connection closed"});
  }
  EXPECT_EQ(count("SELECT count(*) FROM documents"), 0);
  EXPECT_TRUE(blob_names().empty()) << "the staging blob is removed";
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE action = 'document.upload' AND outcome = 'refused' "
                  "AND reason = 'unavailable'"), 1);
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
  // Title, file name and content type are text for people and terminals:
  // UTF-8 without control characters.
  for (const std::string bad : {"cut\xE4\xBF", "esc\x1b[2J", "two\nlines", "c1\xC2\x9B"}) {
    EXPECT_EQ(documents->begin_upload(lead, NewDocument{bad, Level::secret, "", "", ""}, origin()).error().code,
              ErrorCode::invalid_argument)
        << "title " << bad;
    EXPECT_EQ(documents->begin_upload(lead, NewDocument{"t", Level::secret, "", bad, ""}, origin()).error().code,
              ErrorCode::invalid_argument)
        << "filename " << bad;
    EXPECT_EQ(documents->begin_upload(lead, NewDocument{"t", Level::secret, "", "", bad}, origin()).error().code,
              ErrorCode::invalid_argument)
        << "content type " << bad;
  }
}

TEST_F(ServiceTest, NamesArePrintableText) {
  for (const std::string bad : {"cut\xE4\xBF", "esc\x1b]0;x\x07", "two\nlines"}) {
    EXPECT_EQ(directory->create_department(admin, bad, origin()).error().code, ErrorCode::invalid_argument) << bad;
    NewUser u{"clerk9", bad, "claims", {Role::info_clerk}, Secret::from_string("clerk9-password-1")};
    EXPECT_EQ(directory->create_user(admin, std::move(u), origin()).error().code, ErrorCode::invalid_argument)
        << "display name " << bad;
  }
  EXPECT_TRUE(directory->create_department(admin, "理赔二部", origin()));
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

// The policy's view rule, for the user and for the workstation: built-in
// level defaults without a policy, the applied policy's setting with one.
TEST_F(ServiceTest, TheViewRuleDecidesForTheUserAndTheWorkstation) {
  auto open = upload(lead, "secret rows", Level::secret);
  auto top = upload(lead, "top secret rows", Level::top_secret);
  ASSERT_TRUE(open && top);
  ASSERT_TRUE(grants->grant(lead, open->id, "clerk", now_seconds() + 3600, origin()));
  ASSERT_TRUE(grants->grant(lead, top->id, "clerk", now_seconds() + 3600, origin()));
  // Built in: secret anywhere, top secret only on claims' own workstations.
  EXPECT_TRUE(documents->check_view(clerk, open->id, origin(), "sales"));
  auto refused = documents->check_view(clerk, top->id, origin(), "sales");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
  EXPECT_NE(refused.error().message.find("implicit:levels.top_secret.view_own_department_only"), std::string::npos);
  EXPECT_TRUE(documents->check_view(clerk, top->id, origin(), "claims"));
  EXPECT_EQ(documents->open_content(clerk, top->id, origin(), "sales").error().code, ErrorCode::permission_denied);

  // A policy that keeps claims' secret documents in claims too.
  const SigningKey signing = SigningKey::generate();
  PolicyService policies(*store, *sink, signing);
  auto applied = policies.apply(admin, "[departments.claims.levels.secret]\nview_own_department_only = true\n\n"
                                       "[departments.sales]\n", "p.toml", origin());
  ASSERT_TRUE(applied) << applied.error().describe();
  refused = documents->check_view(clerk, open->id, origin(), "sales");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("claims:levels.secret.view_own_department_only"), std::string::npos);
  EXPECT_EQ(documents->open_content(clerk, open->id, origin(), "sales").error().code, ErrorCode::permission_denied);
  EXPECT_TRUE(documents->check_view(clerk, open->id, origin(), "claims"));
  EXPECT_TRUE(documents->open_content(clerk, open->id, origin(), "claims"));
}

// A print preview releases content only for a level the policy allows to
// print: built in, top secret never; then as the applied policy says.
TEST_F(ServiceTest, APrintPreviewFollowsThePrintRule) {
  constexpr auto preview = ContentPurpose::print_preview;
  auto open = upload(lead, "secret rows", Level::secret);
  auto top = upload(lead, "top secret rows", Level::top_secret);
  ASSERT_TRUE(open && top);
  ASSERT_TRUE(grants->grant(lead, open->id, "clerk", now_seconds() + 3600, origin()));
  ASSERT_TRUE(grants->grant(lead, top->id, "clerk", now_seconds() + 3600, origin()));
  EXPECT_TRUE(documents->open_content(clerk, open->id, origin(), "claims", preview));
  EXPECT_TRUE(documents->open_content(clerk, top->id, origin(), "claims")) << "reading is not printing";
  auto refused = documents->open_content(clerk, top->id, origin(), "claims", preview);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
  EXPECT_NE(refused.error().message.find("levels.top_secret.allow_printing"), std::string::npos);

  const SigningKey signing = SigningKey::generate();
  PolicyService policies(*store, *sink, signing);
  ASSERT_TRUE(policies.apply(admin, "[departments.claims.levels.secret]\nallow_printing = false\n", "p.toml",
                             origin()));
  refused = documents->open_content(clerk, open->id, origin(), "claims", preview);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
  EXPECT_NE(refused.error().message.find("claims:levels.secret.allow_printing"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(documents->open_content(clerk, open->id, origin(), "claims"));
}

}  // namespace
}  // namespace custos::vault
