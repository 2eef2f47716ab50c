#include "custos/vault/vault_home.hpp"

#include "custos/platform/files.hpp"
#include "custos/vault/directory_service.hpp"
#include "custos/vault/sqlite_store.hpp"
#include "custos/vault/tls_identity.hpp"
#include "custos/vault/vault_config.hpp"

namespace custos::vault {

Result<InitResult> init_vault(const std::filesystem::path& data_dir, InitOptions options) {
  const VaultPaths paths{data_dir};
  std::error_code ec;
  for (const auto& existing : {paths.store(), paths.vault_key(), paths.signing_key(), paths.config()}) {
    if (std::filesystem::exists(existing, ec)) {
      return fail(ErrorCode::already_exists, "a vault exists already in " + data_dir.string() +
                                                 " (found " + existing.filename().string() + "); refusing to touch it");
    }
  }
  // Check what the operator gave before anything is written, so a typo
  // never leaves a half-made vault that a second init would refuse.
  CUSTOS_TRY_VOID(validate_user_name(options.admin_name));
  CUSTOS_TRY_VOID(validate_department_name(options.admin_department));
  if (options.admin_password && options.admin_password->size() < AuthPolicy{}.min_password_length) {
    return fail(ErrorCode::invalid_argument, "the admin password needs at least " +
                                                 std::to_string(AuthPolicy{}.min_password_length) + " characters");
  }
  CUSTOS_TRY_VOID(files::make_private_dir(data_dir));
  CUSTOS_TRY_VOID(files::make_private_dir(data_dir / "keys"));
  CUSTOS_TRY_VOID(files::make_private_dir(data_dir / "tls"));
  CUSTOS_TRY_VOID(files::make_private_dir(paths.blobs()));

  const auto vault_key = Secret::random(32);
  CUSTOS_TRY_VOID(files::write_atomic(paths.vault_key(), vault_key.unsafe_bytes(), 0600));
  const auto identifier_key = Secret::random(32);
  CUSTOS_TRY_VOID(files::write_atomic(paths.identifier_key(), identifier_key.unsafe_bytes(), 0600));
  const auto signing = SigningKey::generate();
  CUSTOS_TRY_VOID(files::write_atomic(paths.signing_key(), signing.seed().unsafe_bytes(), 0600));
  CUSTOS_TRY_VOID(files::write_atomic(paths.signing_public(), signing.public_key().to_string() + "\n", 0644));
  CUSTOS_TRY_VOID(create_tls_identity(paths.tls_key(), paths.tls_cert()));
  auto fingerprint = certificate_fingerprint(paths.tls_cert());
  if (!fingerprint) return fail(fingerprint.error());
  CUSTOS_TRY_VOID(files::write_atomic(paths.config(), default_vault_toml(), 0600));

  auto store = open_sqlite_store(paths.store(), true);
  if (!store) return fail(store.error());
  DirectAuditSink sink(**store);
  AuthService auth(**store, sink, AuthPolicy{});
  DirectoryService directory(**store, sink, auth);
  const Origin origin{"init", "local", now_seconds(), ""};
  auto admin = directory.bootstrap_admin(options.admin_name, options.admin_department,
                                         std::move(options.admin_password), origin);
  if (!admin) return fail(admin.error());
  return InitResult{*fingerprint, admin->user.name, std::move(admin->generated_password),
                    signing.public_key().to_string()};
}

Result<VaultKeys> load_vault_keys(const VaultPaths& paths) {
  auto vault_key = files::read_secret(paths.vault_key());
  if (!vault_key) return fail(vault_key.error());
  if (vault_key->size() != 32) return fail(ErrorCode::corrupt, paths.vault_key().string() + " is not a 32-byte key");
  auto seed = files::read_secret(paths.signing_key());
  if (!seed) return fail(seed.error());
  auto signing = SigningKey::from_seed(*seed);
  if (!signing) return fail(ErrorCode::corrupt, paths.signing_key().string() + " is not an Ed25519 seed");
  std::error_code ec;
  if (!std::filesystem::exists(paths.identifier_key(), ec)) {
    const auto made = Secret::random(32);
    CUSTOS_TRY_VOID(files::write_atomic(paths.identifier_key(), made.unsafe_bytes(), 0600));
  }
  auto identifier_key = files::read_secret(paths.identifier_key());
  if (!identifier_key) return fail(identifier_key.error());
  if (identifier_key->size() != 32) {
    return fail(ErrorCode::corrupt, paths.identifier_key().string() + " is not a 32-byte key");
  }
  return VaultKeys{std::move(*vault_key), std::move(*signing), std::move(*identifier_key)};
}

}  // namespace custos::vault
