#include "custos/agent/status_report.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace custos::agent {

namespace json = boost::json;

boost::json::object status_json(const StatusSources& sources) {
  const auto link = sources.link != nullptr ? sources.link->status() : LinkStatus{};
  json::array devices;
  for (const auto& d : sources.devices.snapshot()) {
    json::array interfaces;
    for (const auto& i : d.verdict.interfaces) {
      interfaces.emplace_back(json::object{{"name", i.name},
                                           {"interface", policy::to_string(i.cls)},
                                           {"decision", policy::to_string(i.target)},
                                           {"rule", i.rule}});
    }
    json::array errors, read_only;
    for (const auto& e : d.errors) errors.emplace_back(e);
    for (const auto& b : d.read_only) read_only.emplace_back(b);
    devices.emplace_back(json::object{{"name", d.name},
                                      {"device", d.id},
                                      {"serial", d.serial},
                                      {"product", d.product},
                                      {"decision", policy::to_string(d.verdict.device_target)},
                                      {"rule", d.verdict.rule},
                                      {"enforced", d.enforced},
                                      {"errors", std::move(errors)},
                                      {"read_only", std::move(read_only)},
                                      {"interfaces", std::move(interfaces)}});
  }
  json::value contact = nullptr;
  if (link.last_contact != 0) contact = json::value(format_rfc3339(link.last_contact));
  json::value policy_file = nullptr;
  if (sources.link == nullptr) policy_file = json::value(sources.policy_file);
  return json::object{{"mode", sources.link != nullptr ? "online" : "offline"},
                      {"policy_file", std::move(policy_file)},
                      {"agent", sources.state.agent_name},
                      {"department", sources.state.department},
                      {"server", sources.state.server},
                      {"policy_version", sources.policy.version()},
                      {"vault_policy_version", link.vault_policy_version},
                      {"vault_reachable", link.reachable},
                      {"last_contact", std::move(contact)},
                      {"last_error", link.last_error},
                      {"outbox_depth", sources.outbox.depth()},
                      {"outbox_bytes", sources.outbox.bytes()},
                      {"device_control", sources.device_mode},
                      {"devices", std::move(devices)}};
}

std::string answer_local_request(const StatusSources& sources, std::string_view request, const Peer& peer) {
  boost::system::error_code ec;
  auto parsed = json::parse(request, ec);
  const json::value* command = nullptr;
  if (!ec && parsed.is_object()) command = parsed.as_object().if_contains("command");
  if (command == nullptr || !command->is_string()) {
    return json::serialize(json::object{
        {"error", json::object{{"code", "invalid_argument"}, {"message", "send {\"command\": \"status\"}"}}}});
  }
  if (command->as_string() == "status") {
    spdlog::debug("status asked by uid {} (pid {})", peer.uid, peer.pid);
    return json::serialize(status_json(sources));
  }
  return json::serialize(json::object{
      {"error", json::object{{"code", "not_found"},
                             {"message", "unknown command \"" + std::string(command->as_string()) + "\""}}}});
}

std::string format_status_text(const boost::json::object& status) {
  const auto text = [&](const char* key) -> std::string {
    const auto* v = status.if_contains(key);
    if (v == nullptr || v->is_null()) return "";
    if (v->is_string()) return std::string(v->as_string());
    return json::serialize(*v);
  };
  std::string out;
  out += "agent:           " + text("agent") + " (department " + text("department") + ")\n";
  const bool reachable = status.if_contains("vault_reachable") != nullptr && status.at("vault_reachable").is_bool() &&
                         status.at("vault_reachable").as_bool();
  if (text("mode") == "offline") {
    out += "vault:           none (offline: policy from " + text("policy_file") + ")\n";
  } else {
    out += "vault:           " + text("server") + (reachable ? " reachable" : " NOT reachable");
    if (!text("last_contact").empty()) out += ", last contact " + text("last_contact");
    if (!reachable && !text("last_error").empty()) out += " (" + text("last_error") + ")";
    out += "\n";
  }
  const auto version = text("policy_version");
  const bool enforcing = text("device_control") == "active";
  std::string policy = "version " + version;
  if (version == "0") {
    policy = enforcing ? "none yet: removable storage and optical drives blocked" : "none yet";
  }
  out += "policy:          " + policy + "\n";
  out += "outbox:          " + text("outbox_depth") + " event(s) waiting\n";
  out += "device control:  " + text("device_control") + "\n";
  const auto* devices = status.if_contains("devices");
  if (devices == nullptr || !devices->is_array() || devices->as_array().empty()) {
    out += "devices:         none\n";
    return out;
  }
  out += "devices:\n";
  for (const auto& d : devices->as_array()) {
    const auto& o = d.as_object();
    const auto s = [&](const char* key) { return o.contains(key) && o.at(key).is_string() ? std::string(o.at(key).as_string()) : std::string(); };
    out += "  " + s("name") + "  " + s("device");
    if (!s("serial").empty()) out += " serial " + s("serial");
    if (!s("product").empty()) out += " \"" + s("product") + "\"";
    out += ": " + s("decision") + " by " + s("rule");
    if (o.contains("enforced") && o.at("enforced").is_bool() && !o.at("enforced").as_bool()) out += "  NOT ENFORCED";
    out += "\n";
    if (const auto* list = o.if_contains("interfaces"); list != nullptr && list->is_array()) {
      for (const auto& i : list->as_array()) {
        const auto& io = i.as_object();
        out += "    " + std::string(io.at("name").as_string()) + "  " + std::string(io.at("interface").as_string()) +
               "  " + std::string(io.at("decision").as_string()) + " by " + std::string(io.at("rule").as_string()) + "\n";
      }
    }
  }
  return out;
}

}  // namespace custos::agent
