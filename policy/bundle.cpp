// The bundle is line-oriented text ending in the signature line, rather than
// a binary encoding: an IT engineer can read what an agent was sent, and the
// payload is the canonical TOML the parser already reads, so the agent needs
// no second decoder. Header fields are in a fixed order and numbers have one
// spelling, which keeps the bytes deterministic and the parser strict.
#include "custos/policy/bundle.hpp"

#include <charconv>
#include <limits>

#include "custos/policy/canonical.hpp"
#include "custos/policy/parser.hpp"

namespace custos::policy {
namespace {

constexpr std::string_view kMagic = "custos-policy-bundle 1\n";
constexpr std::string_view kSignaturePrefix = "signature ";
constexpr std::size_t kMaxPayload = 16U * 1024U * 1024U;

std::unexpected<Error> corrupt(std::string_view what) {
  return fail(ErrorCode::corrupt, "policy bundle is malformed: " + std::string(what) + "; fetch it again from the vault");
}

// Reads "KEY VALUE\n" at the front of `text`.
std::optional<std::string_view> take_field(std::string_view& text, std::string_view key) {
  if (!text.starts_with(key) || text.size() <= key.size() || text[key.size()] != ' ') return std::nullopt;
  const auto end = text.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  const auto value = text.substr(key.size() + 1, end - key.size() - 1);
  text.remove_prefix(end + 1);
  return value;
}

// One spelling per number: decimal digits, no sign, no leading zero.
template <class Int>
std::optional<Int> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct Envelope {
  std::string_view body;  // what the signature covers
  BundleInfo info;
  std::string_view payload;
  std::string_view signature;  // base64
};

Result<Envelope> open_envelope(std::string_view bytes) {
  Envelope e;
  std::string_view rest = bytes;
  if (!rest.starts_with(kMagic)) return corrupt("it does not start with 'custos-policy-bundle 1'");
  rest.remove_prefix(kMagic.size());
  const auto department = take_field(rest, "department");
  const auto version = department ? take_field(rest, "version") : std::nullopt;
  const auto issued = version ? take_field(rest, "issued-at") : std::nullopt;
  const auto expires = issued ? take_field(rest, "expires-at") : std::nullopt;
  const auto length = expires ? take_field(rest, "payload-bytes") : std::nullopt;
  if (!length) return corrupt("a header line is missing or out of order");
  const auto v = parse_number<std::uint64_t>(*version);
  const auto i = parse_number<std::int64_t>(*issued);
  const auto x = parse_number<std::int64_t>(*expires);
  const auto n = parse_number<std::size_t>(*length);
  if (!v || !i || !x || !n || *n > kMaxPayload) return corrupt("a header number is not canonical");
  if (!rest.starts_with('\n') || rest.size() - 1 < *n) return corrupt("the payload is cut short");
  rest.remove_prefix(1);
  e.payload = rest.substr(0, *n);
  rest.remove_prefix(*n);
  e.body = bytes.substr(0, bytes.size() - rest.size());
  if (!rest.starts_with(kSignaturePrefix) || !rest.ends_with('\n')) return corrupt("the signature line is missing");
  e.signature = rest.substr(kSignaturePrefix.size(), rest.size() - kSignaturePrefix.size() - 1);
  e.info = BundleInfo{std::string(*department), *v, *i, *x};
  return e;
}

}  // namespace

Result<std::string> compile_bundle(const Policy& policy, const BundleInfo& info) {
  const Department* department = policy.find(info.department);
  if (department == nullptr) {
    return fail(ErrorCode::not_found, "the policy has no department '" + info.department + "'");
  }
  if (info.version == 0) return fail(ErrorCode::invalid_argument, "bundle versions start at 1");
  if (info.expires_at <= info.issued_at || info.issued_at < 0) {
    return fail(ErrorCode::invalid_argument, "a bundle must expire after it is issued");
  }
  const std::string payload = to_canonical_toml(*department);
  std::string out(kMagic);
  out += "department " + info.department + "\n";
  out += "version " + std::to_string(info.version) + "\n";
  out += "issued-at " + std::to_string(info.issued_at) + "\n";
  out += "expires-at " + std::to_string(info.expires_at) + "\n";
  out += "payload-bytes " + std::to_string(payload.size()) + "\n";
  out += "\n";
  out += payload;
  return out;
}

std::string sign_bundle(std::string_view compiled, const SigningKey& key) {
  const Signature signature = key.sign(as_bytes(compiled));
  std::string out(compiled);
  out += kSignaturePrefix;
  out += base64_encode(signature);
  out += "\n";
  return out;
}

Result<std::string> make_signed_bundle(const Policy& policy, const BundleInfo& info, const SigningKey& key) {
  auto compiled = compile_bundle(policy, info);
  if (!compiled) return std::unexpected(std::move(compiled).error());
  return sign_bundle(*compiled, key);
}

Result<AcceptedBundle> accept_bundle(std::string_view signed_bundle, const PublicKey& pinned_key,
                                     std::string_view department, std::optional<std::uint64_t> held_version,
                                     UnixSeconds now) {
  auto envelope = open_envelope(signed_bundle);
  if (!envelope) return std::unexpected(std::move(envelope).error());
  const auto signature = base64_decode(envelope->signature);
  if (!signature || !pinned_key.verify(as_bytes(envelope->body), *signature)) {
    return fail(ErrorCode::crypto, "policy bundle refused: it is not signed by the pinned vault key");
  }
  const BundleInfo& info = envelope->info;
  if (info.department != department) {
    return fail(ErrorCode::permission_denied, "policy bundle refused: it is for department '" + info.department +
                                                  "', this workstation is in '" + std::string(department) + "'");
  }
  if (info.version == 0 || (held_version && info.version <= *held_version)) {
    return fail(ErrorCode::conflict, "policy bundle refused: version " + std::to_string(info.version) +
                                         " is not newer than the version held (" +
                                         std::to_string(held_version.value_or(0)) + "); rollback is not allowed");
  }
  if (now >= info.expires_at) {
    return fail(ErrorCode::expired, "policy bundle refused: it expired at " + format_rfc3339(info.expires_at) +
                                        "; the vault must issue a fresh one");
  }
  CheckReport report = parse_policy(envelope->payload, "policy-bundle");
  if (!report.ok || !report.policy || report.policy->departments().size() != 1 ||
      report.policy->departments().front().name != info.department) {
    return corrupt("the signed payload is not a policy for exactly its department");
  }
  return AcceptedBundle{info, std::move(*report.policy)};
}

}  // namespace custos::policy
