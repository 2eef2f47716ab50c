// The vault's TLS identity: a P-256 key and a self-signed certificate made
// at `custos-vault init`, and the SHA-256 fingerprint clients pin.
//
// Fingerprint form: "SHA256:" followed by 64 lower-case hex digits of the
// SHA-256 of the certificate's DER encoding. `normalize_fingerprint` also
// accepts upper case and colon-separated pairs, as openssl prints them.
//
// Thread-safety: pure functions.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "custos/platform/error.hpp"

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
// The fingerprint of a DER-encoded certificate.
std::string der_fingerprint(const unsigned char* der, std::size_t size);
// "SHA256:<64 hex>" from any accepted spelling; invalid_argument otherwise.
Result<std::string> normalize_fingerprint(std::string_view text);

}  // namespace custos::vault
