#include "custos/vault/directory_service.hpp"

#include "custos/platform/json_text.hpp"
#include "custos/platform/random.hpp"

namespace custos::vault {
Result<void> validate_user_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) {
    return fail(ErrorCode::invalid_argument, "a user name has 2 to 64 characters");
  }
  for (const char c : name) {
    const bool fine = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!fine) return fail(ErrorCode::invalid_argument, "a user name uses only a-z, 0-9, '.', '_' and '-'");
  }
  return ok();
}

Result<void> validate_department_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || !is_printable_text(name)) {
    return fail(ErrorCode::invalid_argument,
                "a department name is 1 to 128 bytes of UTF-8 text without control characters");
  }
  return ok();
}

Secret generate_password() {
  auto random = Secret::random(15);
  return Secret::from_string(base64url_encode(random.unsafe_bytes()));
}

DirectoryService::DirectoryService(Store& store, AuditSink& audit, AuthService& auth)
    : store_(store), audit_(audit), auth_(auth) {}

Result<Department> DirectoryService::create_department(const Principal& by, std::string_view name,
                                                       const Origin& origin) {
  const std::string target = "department:" + std::string(name);
  CUSTOS_TRY_VOID(require_role(by, Action::department_create));
  CUSTOS_TRY_VOID(validate_department_name(name));
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<Department> {
    auto made = tx.insert_department(name, origin.now);
    if (!made) return made;
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::department_create, target));
    return made;
  });
}

Result<std::vector<Department>> DirectoryService::list_departments(const Principal& by, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::department_list));
  auto list = transact(store_, TxMode::read, [](Transaction& tx) { return tx.list_departments(); });
  if (!list) return list;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::department_list, "departments", Outcome::allowed, "ok")));
  return list;
}

Result<CreatedUser> DirectoryService::create_user(const Principal& by, NewUser user, const Origin& origin) {
  const std::string target = "user:" + user.name;
  CUSTOS_TRY_VOID(require_role(by, Action::user_create));
  CUSTOS_TRY_VOID(validate_user_name(user.name));
  if (user.roles.empty()) return fail(ErrorCode::invalid_argument, "a user needs at least one role");
  if (user.display_name.empty()) user.display_name = user.name;
  if (user.display_name.size() > 128 || !is_printable_text(user.display_name)) {
    return fail(ErrorCode::invalid_argument,
                "a display name is at most 128 bytes of UTF-8 text without control characters");
  }
  CreatedUser created;
  if (!user.password) {
    created.generated_password = generate_password();
    user.password = created.generated_password->clone();
  }
  auto hashed = auth_.hash_new_password(*user.password);
  if (!hashed) return fail(hashed.error());
  auto made = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<User> {
    auto dept = tx.department_by_name(user.department);
    if (!dept) {
      return fail(ErrorCode::not_found, "no department '" + user.department + "'; create it with 'custos dept add'");
    }
    User row;
    row.name = user.name;
    row.display_name = user.display_name;
    row.department_id = dept->id;
    row.roles = user.roles;
    row.password_hash = *hashed;
    row.created_at = origin.now;
    auto inserted = tx.insert_user(row);
    if (!inserted) return inserted;
    std::string roles;
    for (auto role : user.roles.list()) roles += (roles.empty() ? "\"" : ",\"") + std::string(to_string(role)) + "\"";
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::user_create, target,
                            "{\"department\":\"" + json_escape(user.department) + "\",\"roles\":[" + roles + "]}"));
    return inserted;
  });
  if (!made) return fail(made.error());
  created.user = std::move(*made);
  return created;
}

Result<std::vector<User>> DirectoryService::list_users(const Principal& by, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::user_list));
  auto list = transact(store_, TxMode::read, [](Transaction& tx) { return tx.list_users(); });
  if (!list) return list;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::user_list, "users", Outcome::allowed, "ok")));
  return list;
}

Result<User> DirectoryService::disable_user(const Principal& by, std::string_view name, const Origin& origin) {
  const std::string target = "user:" + std::string(name);
  CUSTOS_TRY_VOID(require_role(by, Action::user_disable));
  if (name == by.user.name) return fail(ErrorCode::conflict, "you cannot disable your own account");
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<User> {
    auto user = tx.user_by_name(name);
    if (!user) return user;
    CUSTOS_TRY_VOID(tx.set_disabled(user->id, true));
    CUSTOS_TRY_VOID(tx.delete_sessions_of(user->id));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::user_disable, target));
    user->disabled = true;
    return user;
  });
}

Result<std::optional<Secret>> DirectoryService::reset_password(const Principal& by, std::string_view name,
                                                               std::optional<Secret> password, const Origin& origin) {
  const std::string target = "user:" + std::string(name);
  CUSTOS_TRY_VOID(require_role(by, Action::user_reset_password));
  std::optional<Secret> generated;
  if (!password) {
    generated = generate_password();
    password = generated->clone();
  }
  auto hashed = auth_.hash_new_password(*password);
  if (!hashed) return fail(hashed.error());
  auto done = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
    auto user = tx.user_by_name(name);
    if (!user) return fail(user.error());
    CUSTOS_TRY_VOID(tx.set_password_hash(user->id, *hashed));
    CUSTOS_TRY_VOID(tx.delete_sessions_of(user->id));
    return append_allowed(tx, origin, &by, Action::user_reset_password, target);
  });
  if (!done) return fail(done.error());
  return generated;
}

Result<CreatedUser> DirectoryService::bootstrap_admin(std::string_view name, std::string_view department,
                                                      std::optional<Secret> password, const Origin& origin) {
  CUSTOS_TRY_VOID(validate_user_name(name));
  CUSTOS_TRY_VOID(validate_department_name(department));
  CreatedUser created;
  if (!password) {
    created.generated_password = generate_password();
    password = created.generated_password->clone();
  }
  auto hashed = auth_.hash_new_password(*password);
  if (!hashed) return fail(hashed.error());
  auto made = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<User> {
    auto users = tx.list_users();
    if (!users) return fail(users.error());
    if (!users->empty()) return fail(ErrorCode::already_exists, "the vault already has users");
    auto dept = tx.insert_department(department, origin.now);
    if (!dept) return fail(dept.error());
    User row;
    row.name = std::string(name);
    row.display_name = std::string(name);
    row.department_id = dept->id;
    row.roles = RoleSet{Role::it_engineer};
    row.password_hash = *hashed;
    row.created_at = origin.now;
    auto inserted = tx.insert_user(row);
    if (!inserted) return inserted;
    CUSTOS_TRY_VOID(append_allowed(tx, origin, nullptr, Action::user_create, "user:" + row.name,
                            "{\"bootstrap\":true,\"roles\":[\"it_engineer\"]}"));
    return inserted;
  });
  if (!made) return fail(made.error());
  created.user = std::move(*made);
  return created;
}

}  // namespace custos::vault
