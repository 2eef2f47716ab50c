// Controlled printing as the vault keeps it (docs/printing.md): a print
// request for a number of paper copies of one document, decided once by a
// department manager of the document's department who did not make it,
// printed once by the requester on an enrolled workstation of that
// department within the approved period, signed for by the receiver, and
// each copy later accounted for as returned or shredded.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "custos/vault/model.hpp"

namespace custos::vault {

// pending → approved | refused; approved → printing (a workstation claimed
// it) → printed, or back to approved when that run failed before a job was
// accepted by the printer.
enum class PrintState : std::uint8_t { pending, approved, refused, printing, printed, unknown };
std::string_view to_string(PrintState state) noexcept;
PrintState print_state_from_string(std::string_view text) noexcept;

inline constexpr int kMaxPrintCopies = 50;
inline constexpr std::size_t kMaxPrintReasonBytes = 1000;

struct PrintRequest {
  Id id = 0;
  Id document_id = 0;
  Level level = Level::unknown;      // the document's
  Id department_id = 0;              // the document's
  std::string department;
  Id requested_by = 0;               // also the receiver of the copies
  std::string requested_by_name;
  std::string requested_by_display;  // the receiver's name as printed on the stamp
  int copies = 0;
  std::string reason;
  std::string printer;               // the queue asked for; empty: the workstation's default
  UnixSeconds requested_at = 0;
  PrintState state = PrintState::unknown;
  std::optional<Id> decided_by;
  std::string decided_by_name;
  std::optional<UnixSeconds> decided_at;
  std::string decision_reason;       // a refusal's reason
  std::optional<UnixSeconds> valid_from;   // the approved period of use [from, until)
  std::optional<UnixSeconds> valid_until;
  std::optional<Id> agent_id;        // the workstation that printed (or is printing)
  std::string agent;
  std::string printer_used;
  std::optional<UnixSeconds> started_at;
  std::optional<UnixSeconds> printed_at;
  std::optional<std::int64_t> job_id;      // the CUPS job
  std::optional<std::int64_t> pages;       // pages per copy
  // Kept with the copy events below (the store writes them together):
  std::optional<UnixSeconds> received_at;  // the receiver signed for the copies
  int returned = 0;                  // copies handed back, all events summed
  int shredded = 0;                  // copies shredded, all events summed

  int outstanding() const { return state == PrintState::printed ? copies - returned - shredded : 0; }
  // Printed, its period over, and copies not yet accounted for.
  bool overdue(UnixSeconds now) const { return outstanding() > 0 && valid_until && *valid_until <= now; }
};

// What became of paper copies of a printed request, one event each: the
// receiver signed for them (all copies, once), or a department manager
// recorded some handed back or shredded. Events are only added, never
// changed; they are the lending and destruction registers' paper rows.
enum class CopyEventKind : std::uint8_t { received, returned, shredded, unknown };
std::string_view to_string(CopyEventKind kind) noexcept;
CopyEventKind copy_event_kind_from_string(std::string_view text) noexcept;

struct PrintCopyEvent {
  Id id = 0;
  Id request_id = 0;
  CopyEventKind kind = CopyEventKind::unknown;
  int copies = 0;
  Id recorded_by = 0;                // the receiver, or the manager who took them back / saw them shredded
  std::string recorded_by_name;
  UnixSeconds recorded_at = 0;
  std::string reason;                // why they were shredded, when given
  Id audit_seq = 0;                  // the log entry written with it
  // Of the request, as read (ignored on insert):
  Id document_id = 0;
  Level level = Level::unknown;
  Id department_id = 0;
  std::string department;
  std::string requested_by_name;     // the receiver who held the copies
};

// Filters for listing print requests (all optional).
struct PrintQuery {
  std::optional<Id> department;
  std::optional<Id> requested_by;
  std::optional<PrintState> state;
};

}  // namespace custos::vault
