// The vault's data folder and what `custos-vault init` puts in it:
//
//   vault.toml        configuration (documented defaults, all commented out)
//   vault.db          the SQLite store (and its -wal / -shm files)
//   blobs/            each document's ciphertext, one file per document (0600)
//   keys/vault.key    32-byte key that wraps every data key (0600)
//   keys/signing.key  Ed25519 seed the vault signs with (0600)
//   keys/signing.pub  the matching public key, "ed25519:<base64>"
//   keys/identifier.key  32-byte HMAC key of the audit log's keyed hashes (0600)
//   tls/key.pem       TLS private key (0600), tls/cert.pem its certificate
//
// The folder itself is 0700, and so is blobs/. Keys live apart from the
// store so that store backups need not carry them (see
// docs/threat-model.md on crypto-shredding); a backup of the store is
// vault.db and blobs/ together (docs/admin-guide.md).
//
// Thread-safety: pure functions over the file system.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "custos/platform/secret.hpp"
#include "custos/platform/signing.hpp"

namespace custos::vault {

struct VaultPaths {
  std::filesystem::path data_dir;
  std::filesystem::path config() const { return data_dir / "vault.toml"; }
  std::filesystem::path store() const { return data_dir / "vault.db"; }
  std::filesystem::path blobs() const { return data_dir / "blobs"; }
  std::filesystem::path vault_key() const { return data_dir / "keys" / "vault.key"; }
  std::filesystem::path signing_key() const { return data_dir / "keys" / "signing.key"; }
  std::filesystem::path signing_public() const { return data_dir / "keys" / "signing.pub"; }
  std::filesystem::path identifier_key() const { return data_dir / "keys" / "identifier.key"; }
  std::filesystem::path tls_key() const { return data_dir / "tls" / "key.pem"; }
  std::filesystem::path tls_cert() const { return data_dir / "tls" / "cert.pem"; }
};

struct InitOptions {
  std::string admin_name = "admin";
  std::string admin_department = "quality-management";
  std::optional<Secret> admin_password;  // generated when absent
};

struct InitResult {
  std::string fingerprint;
  std::string admin_name;
  std::optional<Secret> generated_password;
  std::string signing_public_key;
};

// Creates a new vault in `data_dir`; already_exists when one is there.
Result<InitResult> init_vault(const std::filesystem::path& data_dir, InitOptions options);

struct VaultKeys {
  Secret vault_key;
  SigningKey signing;
  Secret identifier_key;
};
// Reads the keys. A vault made before identifier keys existed gets one here
// (its log holds no keyed hashes yet, so nothing made earlier is lost).
Result<VaultKeys> load_vault_keys(const VaultPaths& paths);

}  // namespace custos::vault
