// The vault's TLS identity: a P-256 key and a self-signed certificate made
// at `custos-vault init`, and the SHA-256 fingerprint clients pin.
//
// Fingerprints are in the form of custos/platform/fingerprint.hpp.
//
// Thread-safety: pure functions.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "custos/platform/error.hpp"
#include "custos/platform/fingerprint.hpp"

namespace custos::vault {

struct TlsIdentityRequest {
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1", "::1"};
  int valid_days = 3650;
};

// Writes key (mode 0600) and certificate (0644) as PEM files.
Result<void> create_tls_identity(const std::filesystem::path& key_file, const std::filesystem::path& cert_file,
                                 const TlsIdentityRequest& request = {});

// The fingerprint of the first certificate in a PEM file.
Result<std::string> certificate_fingerprint(const std::filesystem::path& cert_file);

}  // namespace custos::vault
