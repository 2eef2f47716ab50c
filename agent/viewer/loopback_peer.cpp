#include "custos/viewer/loopback_peer.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace custos::viewer {
namespace {

// "0100007F:1F90" (IPv4, little-endian words) or the 32-digit IPv6 form of
// ::ffff:127.0.0.1 ("0000000000000000FFFF00000100007F"), and the port.
struct Endpoint {
  bool loopback = false;
  std::uint16_t port = 0;
};

bool parse_hex(std::string_view text, std::uint32_t& out) {
  if (text.empty() || text.size() > 8) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool parse_endpoint(std::string_view text, Endpoint& out) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  const auto address = text.substr(0, colon);
  std::uint32_t port = 0;
  if (!parse_hex(text.substr(colon + 1), port) || port > 0xFFFF) return false;
  out.port = static_cast<std::uint16_t>(port);
  if (address.size() == 8) {
    out.loopback = address == "0100007F";
  } else if (address.size() == 32) {
    out.loopback = address == "0000000000000000FFFF00000100007F";
  } else {
    return false;
  }
  return true;
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size() && fields.size() < 12) {
    while (i < line.size() && line[i] == ' ') ++i;
    const auto start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

Result<std::string> read_proc(const char* path) {
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::io, std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<uid_t> find_connection_owner(std::string_view proc_net_tcp, std::uint16_t client_port,
                                    std::uint16_t server_port) {
  while (!proc_net_tcp.empty()) {
    const auto eol = proc_net_tcp.find('\n');
    const auto line = proc_net_tcp.substr(0, eol);
    proc_net_tcp = eol == std::string_view::npos ? std::string_view{} : proc_net_tcp.substr(eol + 1);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
    const auto fields = fields_of(line);
    if (fields.size() < 8) continue;
    Endpoint local, remote;
    if (!parse_endpoint(fields[1], local) || !parse_endpoint(fields[2], remote)) continue;
    if (!local.loopback || !remote.loopback || local.port != client_port || remote.port != server_port) continue;
    std::uint32_t uid = 0;
    const auto& text = fields[7];
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), uid, 10);
    if (ec != std::errc{} || end != text.data() + text.size()) continue;
    return static_cast<uid_t>(uid);
  }
  return fail(ErrorCode::not_found, "no loopback connection from port " + std::to_string(client_port));
}

Result<uid_t> loopback_peer_uid(int fd) {
  sockaddr_in ours{}, theirs{};
  socklen_t size = sizeof ours;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ours), &size) != 0 || ours.sin_family != AF_INET) {
    return fail(ErrorCode::io, "the connection's own address is unknown");
  }
  size = sizeof theirs;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&theirs), &size) != 0 || theirs.sin_family != AF_INET ||
      theirs.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) {
    return fail(ErrorCode::permission_denied, "the client is not on this machine's loopback");
  }
  const auto client_port = ntohs(theirs.sin_port), server_port = ntohs(ours.sin_port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    auto text = read_proc(table);
    if (!text) continue;
    if (auto owner = find_connection_owner(*text, client_port, server_port)) return owner;
  }
  return fail(ErrorCode::not_found, "the client's socket is in no connection table");
}

}  // namespace custos::viewer
