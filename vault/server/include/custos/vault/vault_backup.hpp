// `custos-vault backup` and `restore`: an online, consistent, encrypted
// backup of the store (vault.db through SQLite's backup API, then the
// ciphertext files of the documents active in that snapshot), and its
// restore into a new data folder. The file format is vault/backup's.
//
// The keys are not in the backup, on purpose: the file is sealed under a
// key derived from keys/vault.key and a restore needs that folder, backed up
// on its own (docs/install.md, "Backup and restore").
//
// Thread-safety: free functions; a backup runs beside a serving vault (in
// another process), never two restores into one folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "custos/platform/error.hpp"
#include "custos/vault/vault_home.hpp"

namespace custos::vault {

struct BackupSummary {
  std::uint64_t database_bytes = 0;
  std::uint64_t blobs = 0;
  std::uint64_t blob_bytes = 0;
  // Documents active in the snapshot whose file was gone by the time it was
  // copied (destroyed meanwhile); after a restore they answer `corrupt`.
  std::vector<std::int64_t> missing{};
};

// Writes the backup of the vault in `paths` to `out` (mode 0600, created
// anew: an existing file is refused). The vault may be serving meanwhile.
Result<BackupSummary> backup_vault(const VaultPaths& paths, const std::filesystem::path& out);

struct RestoreSummary {
  std::uint64_t database_bytes = 0;
  std::uint64_t blobs = 0;
};

// Restores `file` into `target` (created, 0700), which must hold no store.
// Its keys come from `keys_from` (a folder holding the backed-up keys/ and,
// if present, tls/ and vault.toml) or, when that is empty, are already in
// target/keys. On any failure nothing it wrote is left behind (keys copied
// from `keys_from` included).
Result<RestoreSummary> restore_vault(const std::filesystem::path& file, const VaultPaths& target,
                                     const std::filesystem::path& keys_from);

}  // namespace custos::vault
