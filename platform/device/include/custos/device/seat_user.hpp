// Who sits at the workstation: the user of the active local session on a
// seat, as systemd-logind records it in /run/systemd/sessions/<id> — one
// KEY=VALUE file per session (UID, USER, ACTIVE, STATE, CLASS, REMOTE,
// SEAT, …). Device events carry this user, so the auditor sees whose stick
// was blocked; remote (ssh) sessions, greeters and closing sessions are not
// "at the workstation".
//
// When several local sessions are active (several seats), the one on seat0
// wins, then the lowest session id. No logind, no session: nullopt — the
// event then says nothing about a user rather than guess.
//
// Thread-safety: pure functions; each call reads the folder afresh.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace custos::device {

inline constexpr const char* kLogindSessionsDir = "/run/systemd/sessions";

struct SeatUser {
  std::string user;
  std::uint32_t uid = 0;
  std::string session;  // logind's session id, "2"
  std::string seat;     // "seat0"
};

// One session file's text → the user, when the session is local, of class
// "user", active and on a seat; nullopt otherwise or when a field is missing.
std::optional<SeatUser> seat_user_of_session(std::string_view session_id, std::string_view text);

// Reads every session file of `sessions_dir` (unreadable or malformed ones
// are skipped) and picks as described above.
std::optional<SeatUser> active_seat_user(const std::filesystem::path& sessions_dir = kLogindSessionsDir);

}  // namespace custos::device
