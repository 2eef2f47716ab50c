// The destruction certificate: proof, checkable offline with the vault's
// public key alone, that the vault recorded a supervised destruction in its
// append-only log. `custos destroy supervise` writes it; `custos destroy
// verify CERT --pubkey vault.pub` checks it.
//
// One canonical JSON object (docs/audit-log.md, "Destruction certificate"):
//   {"format":"custos-destruction-certificate-v1",
//    "entry":{…the log entry, canonical as in entry.hpp, no leaf_hash…},
//    "signed_head":HEX, "inclusion_path":[HEX,…]}
// The entry's detail holds the destruction record (document id, title hash,
// level, reason, requester, supervisor, times, method, ciphertext digest).
// Verification: the head carries the key's signature; the entry is an
// allowed `document.destroy`; its leaf, at index seq − 1, is included in the
// head's tree by the path. Any changed field breaks one of these.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "custos/auditlog/entry.hpp"
#include "custos/merkle/tree_head.hpp"
#include "custos/platform/signing.hpp"

namespace custos::auditlog {

inline constexpr std::string_view kCertificateFormat = "custos-destruction-certificate-v1";
inline constexpr std::string_view kDestroyAction = "document.destroy";

struct DestructionCertificate {
  Entry entry;
  merkle::SignedTreeHead head;
  std::vector<merkle::Hash> inclusion_path;
};

// The canonical text, ending in one line break.
std::string to_certificate_text(const DestructionCertificate& certificate);
// invalid_argument unless exactly a canonical certificate (a final line break optional).
Result<DestructionCertificate> parse_certificate(std::string_view text);
// crypto: the head's signature; corrupt: the entry is not in the signed log;
// invalid_argument: not a destruction entry.
Result<void> verify_certificate(const DestructionCertificate& certificate, const PublicKey& key);

}  // namespace custos::auditlog
