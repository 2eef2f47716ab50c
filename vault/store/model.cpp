#include "custos/vault/model.hpp"
#include "custos/vault/print_model.hpp"
#include "custos/vault/records_model.hpp"

#include <array>

namespace custos::vault {
namespace {

template <class Enum, std::size_t N>
Enum parse(const std::array<std::string_view, N>& names, std::string_view text, Enum unknown) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return unknown;
}

template <class Enum, std::size_t N>
std::string_view name(const std::array<std::string_view, N>& names, Enum value) {
  const auto index = static_cast<std::size_t>(value);
  return index < names.size() ? names[index] : std::string_view("unknown");
}

constexpr std::array<std::string_view, 6> kRoles = {
    "it_engineer", "project_lead", "info_clerk", "dept_manager", "general_manager", "auditor"};
constexpr std::array<std::string_view, 3> kLevels = {"secret", "confidential", "top_secret"};
constexpr std::array<std::string_view, 3> kStates = {"uploading", "active", "destroyed"};
constexpr std::array<std::string_view, 2> kCiphertextLocations = {"chunks", "blob"};
constexpr std::array<std::string_view, 3> kDestructionStates = {"pending", "supervised", "refused"};
constexpr std::array<std::string_view, 2> kRecordStates = {"ok", "problem"};
constexpr std::array<std::string_view, 2> kCaseStates = {"open", "cleared"};
constexpr std::array<std::string_view, 5> kPrintStates = {"pending", "approved", "refused", "printing", "printed"};
constexpr std::array<std::string_view, 3> kCopyEventKinds = {"received", "returned", "shredded"};

}  // namespace

std::string_view to_string(Role role) noexcept { return name(kRoles, role); }
Role role_from_string(std::string_view text) noexcept { return parse(kRoles, text, Role::unknown); }

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = {Role::it_engineer,  Role::project_lead,    Role::info_clerk,
                                          Role::dept_manager, Role::general_manager, Role::auditor};
  return roles;
}

std::vector<Role> RoleSet::list() const {
  std::vector<Role> out;
  for (auto role : all_roles()) {
    if (has(role)) out.push_back(role);
  }
  return out;
}

std::string_view to_string(Level level) noexcept { return name(kLevels, level); }
Level level_from_string(std::string_view text) noexcept { return parse(kLevels, text, Level::unknown); }

std::string_view to_string(DocumentState state) noexcept { return name(kStates, state); }
DocumentState document_state_from_string(std::string_view text) noexcept {
  return parse(kStates, text, DocumentState::unknown);
}

std::string_view to_string(CiphertextLocation location) noexcept { return name(kCiphertextLocations, location); }
CiphertextLocation ciphertext_location_from_string(std::string_view text) noexcept {
  return parse(kCiphertextLocations, text, CiphertextLocation::unknown);
}

std::string_view to_string(DestructionState state) noexcept { return name(kDestructionStates, state); }
DestructionState destruction_state_from_string(std::string_view text) noexcept {
  return parse(kDestructionStates, text, DestructionState::unknown);
}

std::string_view to_string(RecordState state) noexcept { return name(kRecordStates, state); }
RecordState record_state_from_string(std::string_view text) noexcept {
  return parse(kRecordStates, text, RecordState::unknown);
}

std::string_view to_string(CaseState state) noexcept { return name(kCaseStates, state); }
CaseState case_state_from_string(std::string_view text) noexcept { return parse(kCaseStates, text, CaseState::unknown); }

std::string_view to_string(PrintState state) noexcept { return name(kPrintStates, state); }
PrintState print_state_from_string(std::string_view text) noexcept {
  return parse(kPrintStates, text, PrintState::unknown);
}

std::string_view to_string(CopyEventKind kind) noexcept { return name(kCopyEventKinds, kind); }
CopyEventKind copy_event_kind_from_string(std::string_view text) noexcept {
  return parse(kCopyEventKinds, text, CopyEventKind::unknown);
}

std::string_view to_string(Outcome outcome) noexcept {
  return outcome == Outcome::allowed ? "allowed" : "refused";
}

auditlog::Entry to_log_entry(const AuditRecord& r) {
  return auditlog::Entry{static_cast<std::uint64_t>(r.seq), r.time, r.request_id,
                         r.actor_id ? static_cast<std::uint64_t>(*r.actor_id) : 0, r.actor, r.source, r.action,
                         r.target, r.outcome == Outcome::allowed, r.reason, r.detail};
}

}  // namespace custos::vault
