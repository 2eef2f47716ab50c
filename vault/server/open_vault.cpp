#include "custos/vault/open_vault.hpp"

#include <optional>

#include "custos/platform/timestamp.hpp"
#include "custos/vault/batching_audit_sink.hpp"
#include "custos/vault/blob_store.hpp"
#include "custos/vault/identifier_hasher.hpp"
#include "custos/vault/sqlite_store.hpp"

namespace custos::vault {

// Members in the order they depend on each other: each refers only to those
// above it, and they are destroyed the other way round.
struct OpenVault::Parts {
  Parts(VaultKeys k, std::unique_ptr<Store> s, std::unique_ptr<BlobStore> b, const VaultConfig& config)
      : keys(std::move(k)),
        store(std::move(s)),
        blobs(std::move(b)),
        audit(*store, metrics),
        auth(*store, audit, config.auth),
        directory(*store, audit, auth),
        documents(*store, *blobs, audit, keys.vault_key, config.documents),
        grants(*store, audit, config.grants),
        policies(*store, audit, keys.signing),
        identifiers(std::move(keys.identifier_key)),
        destruction(*store, *blobs, audit, identifiers),
        registers(*store, audit),
        records(*store, audit, keys.vault_key, identifiers, config.records),
        agents(*store, audit, config.agents),
        prints(*store, audit, keys.signing) {}

  VaultKeys keys;
  std::unique_ptr<Store> store;
  std::unique_ptr<BlobStore> blobs;
  Metrics metrics;
  BatchingAuditSink audit;
  AuthService auth;
  DirectoryService directory;
  DocumentService documents;
  GrantService grants;
  PolicyService policies;
  const IdentifierHasher identifiers;
  DestructionService destruction;
  RegisterService registers;
  RecordsService records;
  AgentService agents;
  PrintService prints;
  std::unique_ptr<LogService> log;
  std::optional<Api> api;
  DocumentService::Sweep swept;
};

Result<std::unique_ptr<OpenVault>> OpenVault::open(const VaultPaths& paths, const VaultConfig& config) {
  if (!std::filesystem::exists(paths.store())) {
    return fail(ErrorCode::not_found,
                "no vault in " + paths.data_dir.string() + "; run 'custos-vault init' first");
  }
  auto keys = load_vault_keys(paths);
  if (!keys) return std::unexpected(keys.error());
  auto store = open_sqlite_store(paths.store(), false);
  if (!store) return std::unexpected(store.error());
  // A vault made before blobs existed gets the folder here.
  auto blobs = open_posix_blob_store(paths.blobs());
  if (!blobs) return std::unexpected(blobs.error());
  auto parts = std::make_unique<Parts>(std::move(*keys), std::move(*store), std::move(*blobs), config);
  auto& p = *parts;
  auto log = LogService::open(*p.store, p.audit, p.keys.signing, p.identifiers, config.audit_log);
  if (!log) return std::unexpected(log.error());
  p.log = std::move(*log);
  // A head over whatever the log holds now, before the first request.
  if (auto first = p.log->sign_head(now_seconds()); !first) return std::unexpected(first.error());
  const Origin startup{"startup", "local", now_seconds(), ""};
  auto swept = p.documents.sweep_incomplete_uploads(startup);
  if (!swept) return std::unexpected(swept.error());
  p.swept = *swept;
  p.api.emplace(VaultServices{*p.store, p.audit, p.auth, p.directory, p.documents, p.grants, p.policies,
                              p.destruction, *p.log, p.registers, p.records, p.agents, p.prints});
  return std::unique_ptr<OpenVault>(new OpenVault(std::move(parts)));
}

OpenVault::OpenVault(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
OpenVault::~OpenVault() = default;

Api& OpenVault::api() { return *parts_->api; }
Metrics& OpenVault::metrics() { return parts_->metrics; }
LogService& OpenVault::log() { return *parts_->log; }
RecordsService& OpenVault::records() { return parts_->records; }
AgentService& OpenVault::agents() { return parts_->agents; }
const DocumentService::Sweep& OpenVault::swept() const { return parts_->swept; }

}  // namespace custos::vault
