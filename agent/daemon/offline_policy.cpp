#include "custos/agent/offline_policy.hpp"

#include <spdlog/spdlog.h>

#include "custos/platform/files.hpp"

namespace custos::agent {

Result<PublicKey> read_policy_key(std::string_view key_or_file) {
  if (key_or_file.starts_with("ed25519:")) {
    auto key = PublicKey::parse(key_or_file);
    if (!key) return fail(ErrorCode::invalid_argument, "the policy key is not ed25519:<base64> of 32 bytes");
    return key;
  }
  const std::filesystem::path file(key_or_file);
  auto text = files::read_text(file);
  if (!text) {
    return fail(ErrorCode::invalid_argument,
                "the policy key is neither ed25519:<base64> nor a readable file: " + text.error().message);
  }
  std::string line = text->substr(0, text->find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  auto key = PublicKey::parse(line);
  if (!key) return fail(ErrorCode::invalid_argument, file.string() + " does not hold a policy key (ed25519:<base64>)");
  return key;
}

Result<std::optional<OfflinePolicy>> offline_policy(const AgentConfig& config) {
  if (config.policy_file.empty()) return std::optional<OfflinePolicy>();
  if (config.policy_key.empty() || config.department.empty()) {
    return fail(ErrorCode::invalid_argument,
                "a policy file needs the key it is signed with and the department it is for "
                "(--policy-key and --department, or policy_key and department in the configuration)");
  }
  auto key = read_policy_key(config.policy_key);
  if (!key) return fail(key.error());
  return std::optional(OfflinePolicy{.bundle = config.policy_file, .key = *key, .department = config.department});
}

Result<std::uint64_t> apply_policy_file(PolicyKeeper& keeper, const std::filesystem::path& bundle,
                                        const std::filesystem::path& cached, EventSink& events) {
  auto text = files::read_text(bundle);
  if (!text) return fail(text.error().code, "cannot read the policy bundle: " + text.error().message);
  if (auto loaded = keeper.load_cache(); !loaded && loaded.error().code != ErrorCode::not_found) {
    // Signed by another key (an enrolled agent's vault) or damaged: it is
    // no rollback reference for this key, and the file replaces it.
    spdlog::warn("the cached policy is refused ({}); the policy file decides", loaded.error().describe());
  }
  auto applied = keeper.offer(*text, "file");
  if (!applied) return fail(applied.error());
  if (!*applied) {
    // The version cached already: only the same bytes are the same policy.
    auto held = files::read_text(cached);
    if (!held || *held != *text) {
      Error refused{ErrorCode::conflict, "a different bundle with version " + std::to_string(keeper.version()) +
                                             " is applied already (" + cached.string() +
                                             "); a changed policy needs a newer version"};
      events.record("policy.refused", Severity::warning,
                    {{"source", "file"}, {"code", to_string(refused.code)}, {"reason", refused.message}});
      return fail(std::move(refused));
    }
  }
  return keeper.version();
}

}  // namespace custos::agent
