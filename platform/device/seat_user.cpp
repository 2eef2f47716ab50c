#include "custos/device/seat_user.hpp"

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

namespace custos::device {
namespace {

std::map<std::string, std::string, std::less<>> fields_of(std::string_view text) {
  std::map<std::string, std::string, std::less<>> fields;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const auto equals = line.find('=');
    if (line.empty() || line.front() == '#' || equals == std::string_view::npos) continue;
    fields.emplace(std::string(line.substr(0, equals)), std::string(line.substr(equals + 1)));
  }
  return fields;
}

std::string_view field(const std::map<std::string, std::string, std::less<>>& fields, std::string_view key) {
  const auto it = fields.find(key);
  return it == fields.end() ? std::string_view{} : std::string_view(it->second);
}

// "2" < "10": session ids are numbers for logind, but "c1" exists too.
bool session_before(std::string_view a, std::string_view b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

}  // namespace

std::optional<SeatUser> seat_user_of_session(std::string_view session_id, std::string_view text) {
  const auto fields = fields_of(text);
  const bool active = field(fields, "ACTIVE") == "1" || field(fields, "STATE") == "active";
  if (!active || field(fields, "STATE") == "closing") return std::nullopt;
  if (field(fields, "REMOTE") == "1" || field(fields, "CLASS") != "user") return std::nullopt;
  const auto seat = field(fields, "SEAT");
  const auto user = field(fields, "USER");
  const auto uid_text = field(fields, "UID");
  if (seat.empty() || user.empty() || uid_text.empty()) return std::nullopt;
  std::uint32_t uid = 0;
  const auto [end, ec] = std::from_chars(uid_text.data(), uid_text.data() + uid_text.size(), uid);
  if (ec != std::errc{} || end != uid_text.data() + uid_text.size()) return std::nullopt;
  return SeatUser{.user = std::string(user), .uid = uid, .session = std::string(session_id), .seat = std::string(seat)};
}

std::optional<SeatUser> active_seat_user(const std::filesystem::path& sessions_dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(sessions_dir, ec);
  if (ec) return std::nullopt;
  std::optional<SeatUser> best;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto name = it->path().filename().string();
    // logind keeps "<id>.ref" pipes beside the files; never open those.
    if (name.find('.') != std::string::npos || !it->is_regular_file(ec)) continue;
    std::ifstream in(it->path());
    std::stringstream text;
    text << in.rdbuf();
    if (!in) continue;
    auto candidate = seat_user_of_session(name, text.str());
    if (!candidate) continue;
    const auto rank = [](const SeatUser& s) { return s.seat == "seat0" ? 0 : 1; };
    if (!best || rank(*candidate) < rank(*best) ||
        (rank(*candidate) == rank(*best) && session_before(candidate->session, best->session))) {
      best = std::move(candidate);
    }
  }
  return best;
}

}  // namespace custos::device
