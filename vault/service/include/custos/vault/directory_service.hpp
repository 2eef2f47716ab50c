// Users and departments: what the IT engineer manages.
//
// Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "custos/vault/auth_service.hpp"

namespace custos::vault {

struct NewUser {
  std::string name;          // [a-z0-9._-], 2–64 characters
  std::string display_name;  // defaults to name
  std::string department;    // must exist
  RoleSet roles;             // at least one
  std::optional<Secret> password;  // generated when absent
};

struct CreatedUser {
  User user;
  std::optional<Secret> generated_password;  // present when the vault made it up
};

class DirectoryService {
 public:
  DirectoryService(Store& store, AuditSink& audit, AuthService& auth);

  Result<Department> create_department(const Principal& by, std::string_view name, const Origin& origin);
  Result<std::vector<Department>> list_departments(const Principal& by, const Origin& origin);

  Result<CreatedUser> create_user(const Principal& by, NewUser user, const Origin& origin);
  Result<std::vector<User>> list_users(const Principal& by, const Origin& origin);
  // Disabling ends every session of the user at once.
  Result<User> disable_user(const Principal& by, std::string_view name, const Origin& origin);
  // Sets a new password (generated when absent) and ends the user's sessions.
  Result<std::optional<Secret>> reset_password(const Principal& by, std::string_view name,
                                               std::optional<Secret> password, const Origin& origin);

  // For `custos-vault init`: the first department and IT engineer, when the
  // store has no users yet.
  Result<CreatedUser> bootstrap_admin(std::string_view name, std::string_view department,
                                      std::optional<Secret> password, const Origin& origin);

 private:
  Store& store_;
  AuditSink& audit_;
  AuthService& auth_;
};

// Validation shared with the API layer.
Result<void> validate_user_name(std::string_view name);
Result<void> validate_department_name(std::string_view name);
// A random password of 20 URL-safe characters.
Secret generate_password();

}  // namespace custos::vault
