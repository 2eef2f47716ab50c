// Signed policy bundles: what the vault sends an agent. A bundle holds one
// department's policy in canonical form, a version number and a validity
// period, signed with the vault's Ed25519 key. The byte format is documented
// in docs/policy.md ("Signed bundles"); the same inputs always give the same
// bytes.
//
// Acceptance is the agent's whole trust decision, so it lives here, once:
// a bundle is applied only if every check passes, and each refusal has its
// own error code:
//   corrupt            the bytes are not a well-formed bundle
//   crypto             the signature is not the pinned key's over these bytes
//   permission_denied  the bundle is for another department
//   conflict           the version is not newer than the one held (rollback)
//   expired            the bundle's validity has ended
// The signature is checked before anything in the bundle is believed.
//
// Thread-safety: pure functions; SigningKey::sign is itself thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"
#include "custos/platform/signing.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/policy/model.hpp"

namespace custos::policy {

struct BundleInfo {
  std::string department;
  std::uint64_t version = 0;    // strictly increasing per department; >= 1
  UnixSeconds issued_at = 0;
  UnixSeconds expires_at = 0;   // > issued_at; agents refuse the bundle from then on
  friend bool operator==(const BundleInfo&, const BundleInfo&) = default;
};

// The canonical, unsigned bytes of `info.department`'s part of `policy`.
// not_found when the policy has no such department; invalid_argument for
// version 0 or an empty validity period.
Result<std::string> compile_bundle(const Policy& policy, const BundleInfo& info);

// Appends the signature line to a compiled bundle; the result is what is
// stored and sent.
std::string sign_bundle(std::string_view compiled, const SigningKey& key);

// compile_bundle then sign_bundle.
Result<std::string> make_signed_bundle(const Policy& policy, const BundleInfo& info, const SigningKey& key);

struct AcceptedBundle {
  BundleInfo info;
  Policy policy;  // holds exactly the one department
};

// The agent's check of a received bundle. `held_version` is the version of
// the bundle the agent applies now, nullopt when it has none (first start,
// or re-reading its own cache, which must still verify). `now` is the
// agent's clock.
Result<AcceptedBundle> accept_bundle(std::string_view signed_bundle, const PublicKey& pinned_key,
                                     std::string_view department, std::optional<std::uint64_t> held_version,
                                     UnixSeconds now);

}  // namespace custos::policy
