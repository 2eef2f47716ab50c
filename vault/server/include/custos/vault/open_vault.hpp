// An initialised vault, opened as `custos-vault serve` runs it: its keys,
// the store and the ciphertext files, the group-committing audit sink, every
// service over them, and the Api over the services. Opening signs a tree head
// over whatever the log holds and sweeps uploads an earlier run left
// unfinished, so the first request meets a consistent vault.
//
// What runs beside the API (signing heads, the T+1 screening, watching agents
// for missed heartbeats) stays with the caller, on threads of its own, through
// the accessors below.
//
// Thread-safety: as the services'; open a data folder once per process.
#pragma once

#include <memory>

#include "custos/vault/api.hpp"
#include "custos/vault/metrics.hpp"
#include "custos/vault/vault_config.hpp"
#include "custos/vault/vault_home.hpp"

namespace custos::vault {

class OpenVault {
 public:
  // not_found when `paths` holds no vault; the keys', store's and log's own
  // errors otherwise.
  static Result<std::unique_ptr<OpenVault>> open(const VaultPaths& paths, const VaultConfig& config);
  ~OpenVault();
  OpenVault(const OpenVault&) = delete;
  OpenVault& operator=(const OpenVault&) = delete;

  Api& api();
  Metrics& metrics();
  LogService& log();
  RecordsService& records();
  AgentService& agents();
  // What opening swept away: uploads the last run left unfinished, and
  // ciphertext files without an active document (for the caller to report).
  const DocumentService::Sweep& swept() const;

 private:
  struct Parts;
  explicit OpenVault(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace custos::vault
