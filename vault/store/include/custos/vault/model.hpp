// The vault's domain values: roles, classification levels, departments,
// users, sessions, documents, grants and audit records, as the store keeps
// them. Plain values; no behaviour beyond parsing and naming.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/auditlog/entry.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/timestamp.hpp"

namespace custos::vault {

using Id = std::int64_t;

// The roles of the design. `unknown` is what an unreadable name parses to; it
// is never granted anything.
enum class Role : std::uint8_t {
  it_engineer, project_lead, info_clerk, dept_manager, general_manager, auditor, unknown,
};
std::string_view to_string(Role role) noexcept;
Role role_from_string(std::string_view text) noexcept;
const std::vector<Role>& all_roles();

// A small set of roles (a user has one or more).
class RoleSet {
 public:
  RoleSet() = default;
  RoleSet(std::initializer_list<Role> roles) {
    for (auto role : roles) add(role);
  }
  void add(Role role) { bits_ |= bit(role); }
  bool has(Role role) const { return (bits_ & bit(role)) != 0; }
  bool intersects(RoleSet other) const { return (bits_ & other.bits_) != 0; }
  bool empty() const { return bits_ == 0; }
  std::vector<Role> list() const;
  std::uint32_t bits() const { return bits_; }
  static RoleSet from_bits(std::uint32_t bits) {
    RoleSet set;
    set.bits_ = bits & ((1u << static_cast<unsigned>(Role::unknown)) - 1);
    return set;
  }

 private:
  static std::uint32_t bit(Role role) {
    return role == Role::unknown ? 0 : 1u << static_cast<unsigned>(role);
  }
  std::uint32_t bits_ = 0;
};

// Classification levels: 秘密 secret, 机密 confidential, 绝密 top secret.
enum class Level : std::uint8_t { secret, confidential, top_secret, unknown };
std::string_view to_string(Level level) noexcept;
Level level_from_string(std::string_view text) noexcept;

struct Department {
  Id id = 0;
  std::string name;
  UnixSeconds created_at = 0;
};

struct User {
  Id id = 0;
  std::string name;          // login name, unique
  std::string display_name;
  Id department_id = 0;
  std::string department;    // the department's name
  RoleSet roles;
  bool disabled = false;
  std::string password_hash; // Argon2id string; never leaves the server
  int failed_logins = 0;
  UnixSeconds locked_until = 0;
  UnixSeconds created_at = 0;
};

struct Session {
  std::string token_hash;    // hex SHA-256 of the bearer token; the token itself is never stored
  Id user_id = 0;
  UnixSeconds created_at = 0;
  UnixSeconds last_seen_at = 0;
  UnixSeconds expires_at = 0;  // absolute expiry
  std::string source;          // the client address at login
};

enum class DocumentState : std::uint8_t { uploading, active, destroyed, unknown };
std::string_view to_string(DocumentState state) noexcept;
DocumentState document_state_from_string(std::string_view text) noexcept;

// Where a document's ciphertext is: in its own blob (BlobStore; every
// upload since store schema 5), or in the store's chunk table, one row per
// sealed chunk (documents uploaded before; still read and destroyed there).
enum class CiphertextLocation : std::uint8_t { chunks, blob, unknown };
std::string_view to_string(CiphertextLocation location) noexcept;
CiphertextLocation ciphertext_location_from_string(std::string_view text) noexcept;

struct Document {
  Id id = 0;
  std::string title;
  Level level = Level::unknown;
  Id department_id = 0;
  std::string department;
  std::string filename;
  std::string content_type;
  std::uint64_t size = 0;          // plaintext bytes
  std::uint32_t version = 1;
  Id uploaded_by = 0;
  std::string uploaded_by_name;
  UnixSeconds created_at = 0;
  DocumentState state = DocumentState::unknown;
  std::string ciphertext_sha256;   // hex SHA-256 of header || sealed chunks (no plaintext digest is kept)
  Bytes wrapped_key;               // the data key sealed by the vault key
  Bytes stream_header;             // crypto_secretstream header
  std::uint32_t chunk_count = 0;
  CiphertextLocation ciphertext_in = CiphertextLocation::blob;
};

struct Grant {
  Id id = 0;
  Id document_id = 0;
  std::string document_title;
  Id grantee_id = 0;
  std::string grantee;
  Id granted_by = 0;
  std::string granted_by_name;
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;
  std::optional<UnixSeconds> revoked_at;
  std::string revoked_by_name;
  bool live(UnixSeconds now) const { return !revoked_at && now < expires_at; }
};

// A grant as the registers show it: with its document's level and
// department, which the grant itself does not carry.
struct LendingGrant {
  Grant grant;
  Level level = Level::unknown;
  Id department_id = 0;
  std::string department;
};

// One release of a document's content to a user (an allowed
// `document.content` audit record).
struct ContentRelease {
  Id user_id = 0;
  Id document_id = 0;
  UnixSeconds time = 0;
};

// The log entry of one destruction (an allowed `document.destroy` record):
// the document destroyed and the entry's seq, from which a destruction
// certificate is built.
struct DestructionEntry {
  Id document_id = 0;
  Id seq = 0;
};

enum class Outcome : std::uint8_t { allowed, refused };
std::string_view to_string(Outcome outcome) noexcept;

// One decision the vault made: who asked for what, from where, and what it
// answered, with the reason. Shaped to become a leaf of the tamper-evident
// log: every field is part of the canonical record.
struct AuditRecord {
  Id seq = 0;                  // assigned by the store, gap-free
  UnixSeconds time = 0;
  std::string request_id;
  std::optional<Id> actor_id;
  std::string actor;           // user name, or "" when unauthenticated
  std::string source;          // client address
  std::string action;          // e.g. "document.upload", "grant.create", "session.login"
  std::string target;          // e.g. "document:12", "user:alice"
  Outcome outcome = Outcome::refused;
  std::string reason;          // why (error code, or "ok" / the rule that allowed it)
  std::string detail;          // compact JSON with further fields; no customer content
};

// The audit log's entry for a record: the same fields, in the log's form
// (docs/audit-log.md, "Leaf encoding").
auditlog::Entry to_log_entry(const AuditRecord& record);

// One applied version of the company's policy file. Versions count up from
// 1 and are never reused; each version has one signed bundle per department.
struct PolicyRecord {
  std::int64_t version = 0;
  std::string file_name;         // as the IT engineer named it
  std::string source;            // the TOML as applied
  std::string source_sha256;     // hex
  Id applied_by = 0;
  std::string applied_by_name;
  UnixSeconds applied_at = 0;
};

// A request to destroy a document by crypto-shredding. It is made by a
// project lead of the document's department or a clerk holding a live grant
// on it, and decided once — supervised (the document is destroyed) or
// refused — by a project lead of the department who did not make it.
enum class DestructionState : std::uint8_t { pending, supervised, refused, unknown };
std::string_view to_string(DestructionState state) noexcept;
DestructionState destruction_state_from_string(std::string_view text) noexcept;

struct DestructionRequest {
  Id id = 0;
  Id document_id = 0;
  Level level = Level::unknown;    // the document's
  Id department_id = 0;            // the document's
  std::string department;
  Id requested_by = 0;
  std::string requested_by_name;
  std::string reason;              // why the requester wants it destroyed
  UnixSeconds requested_at = 0;
  DestructionState state = DestructionState::unknown;
  std::optional<Id> decided_by;    // set once decided
  std::string decided_by_name;
  std::optional<UnixSeconds> decided_at;
  std::string decision_reason;     // a refusal's reason; empty for a supervision
};

// Filters for listing destruction requests (all optional).
struct DestructionQuery {
  std::optional<Id> department;
  std::optional<Id> document;
  std::optional<DestructionState> state;
};

// Filters for listing audit records (all optional).
struct AuditQuery {
  std::optional<std::string> actor;
  std::optional<std::string> action;
  std::optional<std::string> target;
  std::optional<Outcome> outcome;
  std::optional<UnixSeconds> since;
  std::optional<UnixSeconds> until;
  Id after_seq = 0;
  int limit = 100;
};

}  // namespace custos::vault
