#include "custos/auditlog/certificate.hpp"

#include "canonical_reader.hpp"
#include "custos/auditlog/export_file.hpp"
#include "custos/merkle/verifier.hpp"
#include "custos/platform/encoding.hpp"

namespace custos::auditlog {

std::string to_certificate_text(const DestructionCertificate& certificate) {
  std::string out = "{\"format\":\"" + std::string(kCertificateFormat) + "\",\"entry\":" +
                    to_json_line(certificate.entry) + ",\"signed_head\":\"" + head_to_hex(certificate.head) +
                    "\",\"inclusion_path\":[";
  for (std::size_t i = 0; i < certificate.inclusion_path.size(); ++i) {
    if (i > 0) out += ',';
    out += '"' + hex_encode(certificate.inclusion_path[i]) + '"';
  }
  out += "]}\n";
  return out;
}

Result<DestructionCertificate> parse_certificate(std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  CanonicalReader r(text);
  DestructionCertificate certificate;
  CUSTOS_TRY_VOID(r.literal("{"));
  CUSTOS_TRY_VOID(r.key("format"));
  auto format = r.string();
  if (!format) return fail(format.error());
  if (*format != kCertificateFormat) {
    return fail(ErrorCode::invalid_argument, "not a Custos destruction certificate (format \"" +
                                                 std::string(kCertificateFormat) + "\")");
  }
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("entry"));
  ParsedLine entry;
  CUSTOS_TRY_VOID(read_entry(r, entry));
  if (entry.leaf_hash) return fail(ErrorCode::invalid_argument, "a certificate's entry carries no leaf_hash");
  certificate.entry = std::move(entry.entry);
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("signed_head"));
  auto head_text = r.string();
  if (!head_text) return fail(head_text.error());
  auto head = head_from_hex(*head_text);
  if (!head) return fail(head.error());
  certificate.head = *head;
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("inclusion_path"));
  CUSTOS_TRY_VOID(r.literal("["));
  while (!r.peek(']')) {
    if (!certificate.inclusion_path.empty()) CUSTOS_TRY_VOID(r.literal(","));
    if (certificate.inclusion_path.size() >= 64) return fail(ErrorCode::invalid_argument, "the path is too long");
    auto hash = r.hash();
    if (!hash) return fail(hash.error());
    certificate.inclusion_path.push_back(*hash);
  }
  CUSTOS_TRY_VOID(r.literal("]}"));
  CUSTOS_TRY_VOID(r.end());
  return certificate;
}

Result<void> verify_certificate(const DestructionCertificate& certificate, const PublicKey& key) {
  const auto& entry = certificate.entry;
  if (entry.action != kDestroyAction || !entry.allowed) {
    return fail(ErrorCode::invalid_argument, "the certified entry is not an allowed document.destroy");
  }
  if (auto signed_ok = merkle::verify_tree_head(certificate.head, key); !signed_ok) {
    return fail(ErrorCode::crypto, "the certificate's tree head is not signed by this key");
  }
  auto leaf = entry_leaf_hash(entry);
  if (!leaf) return fail(leaf.error());
  const merkle::InclusionProof proof{entry.seq - 1, certificate.head.head.tree_size, certificate.inclusion_path};
  if (entry.seq > certificate.head.head.tree_size) {
    return fail(ErrorCode::corrupt, "the certified entry lies beyond the signed head");
  }
  if (auto included = merkle::verify_inclusion_in_head(*leaf, proof, certificate.head, key); !included) {
    return fail(ErrorCode::corrupt, "the destruction record (log entry " + std::to_string(entry.seq) +
                                        ") is not in the signed log of " +
                                        std::to_string(certificate.head.head.tree_size) +
                                        " entries: the record, the proof or the head was altered");
  }
  return ok();
}

}  // namespace custos::auditlog
