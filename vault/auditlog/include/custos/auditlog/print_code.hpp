// The code printed as a QR code on every page of a controlled printout
// (docs/printing.md, "The trace code"): the print record's id and the
// vault's Ed25519 signature over it, so that a copy found anywhere is traced
// to its print record — offline with the vault's public key alone, and on
// the vault to who printed it, when and under which approval.
//
//   CUSTOS-PRINT/1/<record id>/<signature, base64url without padding>
//
// The signed message is "custos print record v1\n<record id>".
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "custos/platform/signing.hpp"

namespace custos::auditlog {

struct PrintCode {
  std::int64_t record = 0;
  Signature signature{};
};

// The code of `record`, signed with `key`.
std::string make_print_code(std::int64_t record, const SigningKey& key);

// Reads a code (surrounding blanks ignored); invalid_argument when it is not
// one. Does not check the signature.
Result<PrintCode> parse_print_code(std::string_view text);

// Ok when `code`'s signature is `key`'s over its record id; crypto otherwise.
Result<void> verify_print_code(const PrintCode& code, const PublicKey& key);

}  // namespace custos::auditlog
