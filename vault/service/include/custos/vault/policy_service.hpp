// Department policies on the vault: the IT engineer applies the company's
// policy file; the vault checks it with the policy library, gives it the
// next version, and signs one bundle per department with its Ed25519 key.
// Agents fetch their department's bundle and accept it only if it verifies
// and is newer than the one they hold (custos/policy/bundle.hpp).
//
// Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "custos/platform/signing.hpp"
#include "custos/vault/audit_trail.hpp"

namespace custos::vault {

struct PolicyLimits {
  UnixSeconds bundle_validity_seconds = 90LL * 86400;  // agents refuse a bundle after this
};

struct AppliedPolicy {
  PolicyRecord record;
  std::vector<std::string> departments;
  std::string warnings;  // the checker's warnings, one per line
};

struct ShownPolicy {
  PolicyRecord record;
  std::string canonical;  // the canonical TOML, of one department or all
};

class PolicyService {
 public:
  PolicyService(Store& store, AuditSink& audit, const SigningKey& signing, PolicyLimits limits = {});

  // invalid_argument with the checker's diagnostics (FILE:LINE:COLUMN lines)
  // when the file has errors; nothing is stored then.
  Result<AppliedPolicy> apply(const Principal& by, std::string_view source, std::string_view file_name,
                              const Origin& origin);
  Result<ShownPolicy> current(const Principal& by, const std::optional<std::string>& department, const Origin& origin);
  Result<std::vector<PolicyRecord>> history(const Principal& by, const Origin& origin);
  // The newest signed bundle of `department`.
  Result<std::string> bundle(const Principal& by, std::string_view department, const Origin& origin);
  // The public key bundles are signed with ("ed25519:<base64>"): what an
  // agent pins at enrollment to verify every bundle it receives.
  std::string public_key() const { return signing_.public_key().to_string(); }

 private:
  Store& store_;
  AuditSink& audit_;
  const SigningKey& signing_;
  PolicyLimits limits_;
};

}  // namespace custos::vault
