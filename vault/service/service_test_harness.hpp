// For service tests: the vault's core services over a real SQLite store in a
// fresh temporary folder, with the first IT engineer ("admin", department
// "claims") made. A fixture derives from ServiceHarness, calls
// open_services() in SetUp() and adds the services it tests on top (its own
// members are destroyed before these).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "custos/vault/directory_service.hpp"
#include "custos/vault/document_service.hpp"
#include "custos/vault/grant_service.hpp"
#include "custos/vault/sqlite_store.hpp"

namespace custos::vault {

struct ServiceHarness {
  // `origin` is when the admin is made (its time need not be now).
  void open_services(const std::string& tag, const Origin& origin) {
    dir = std::filesystem::temp_directory_path() / ("custos-" + tag + "-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto opened = open_sqlite_store(dir / "vault.db", true);
    ASSERT_TRUE(opened) << opened.error().describe();
    store = std::move(*opened);
    auto blob_store = open_posix_blob_store(dir / "blobs");
    ASSERT_TRUE(blob_store) << blob_store.error().describe();
    blobs = std::move(*blob_store);
    sink = std::make_unique<DirectAuditSink>(*store);
    AuthPolicy policy;
    policy.cost = password::minimum_for_tests_only();
    auth = std::make_unique<AuthService>(*store, *sink, policy);
    directory = std::make_unique<DirectoryService>(*store, *sink, *auth);
    documents = std::make_unique<DocumentService>(*store, *blobs, *sink, vault_key);
    grants = std::make_unique<GrantService>(*store, *sink);
    auto made = directory->bootstrap_admin("admin", "claims", Secret::from_string("admin-password-1"), origin);
    ASSERT_TRUE(made) << made.error().describe();
    admin = Principal{made->user, ""};
  }

  // The audit entry at `seq` (none: an empty record, which the caller's
  // expectations then fail on).
  AuditRecord audit_entry(Id seq) {
    AuditQuery query;
    query.after_seq = seq - 1;
    query.limit = 1;
    auto entry = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.list_audit(query); });
    EXPECT_TRUE(entry && entry->size() == 1) << "no audit entry " << seq;
    return entry && entry->size() == 1 ? entry->front() : AuditRecord{};
  }

  // Ends every service and closes the store; its files stay until the end.
  void close_services() {
    grants.reset();
    documents.reset();
    directory.reset();
    auth.reset();
    sink.reset();
    blobs.reset();
    store.reset();
  }

  ~ServiceHarness() {
    close_services();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  std::filesystem::path dir;
  Secret vault_key = Secret::random(32);
  std::unique_ptr<Store> store;
  std::unique_ptr<BlobStore> blobs;  // in dir / "blobs"
  std::unique_ptr<DirectAuditSink> sink;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<DirectoryService> directory;
  std::unique_ptr<DocumentService> documents;
  std::unique_ptr<GrantService> grants;
  Principal admin;
};

}  // namespace custos::vault
