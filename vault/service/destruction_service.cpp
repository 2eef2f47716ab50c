#include "custos/vault/destruction_service.hpp"

namespace custos::vault {
namespace {

std::string target_of(Id document) { return "document:" + std::to_string(document); }

Result<void> check_reason(std::string_view reason) {
  if (reason.empty() || reason.size() > kMaxDestructionReasonBytes) {
    return fail(ErrorCode::invalid_argument, "a reason of 1 to " + std::to_string(kMaxDestructionReasonBytes) +
                                                 " bytes is required");
  }
  return ok();
}

// May `by` ask for `doc` to be destroyed: a project lead of its department,
// or a clerk with a live grant on it.
Result<void> may_request(Transaction& tx, const Principal& by, const Document& doc, UnixSeconds now) {
  if (by.user.roles.has(Role::project_lead) && doc.department_id == by.user.department_id) return ok();
  if (by.user.roles.has(Role::info_clerk)) {
    auto grant = tx.live_grant(doc.id, by.user.id, now);
    if (!grant) return fail(grant.error());
    if (grant->has_value()) return ok();
  }
  return fail(ErrorCode::permission_denied, "only a project lead of the document's department, or a clerk with a "
                                            "live grant on document " + std::to_string(doc.id) +
                                                ", may ask for its destruction");
}

// The destruction record: what was destroyed (never its title, only the
// keyed hash), why, by whom, when and how. Fixed key order.
std::string record_detail(const DestructionRequest& request, const Document& doc, std::string_view title_hash,
                          const Principal& supervisor, UnixSeconds destroyed_at, int grants_ended) {
  return "{\"record\":\"destruction\",\"request\":" + std::to_string(request.id) +
         ",\"document\":" + std::to_string(doc.id) + ",\"title_hash\":\"" + std::string(title_hash) +
         "\",\"level\":\"" + std::string(to_string(doc.level)) + "\",\"department\":\"" +
         json_escape(doc.department) + "\",\"reason\":\"" + json_escape(request.reason) + "\",\"requester\":\"" +
         json_escape(request.requested_by_name) + "\",\"supervisor\":\"" + json_escape(supervisor.user.name) +
         "\",\"requested_at\":\"" + format_rfc3339(request.requested_at) + "\",\"destroyed_at\":\"" +
         format_rfc3339(destroyed_at) + "\",\"method\":\"crypto-shred\",\"ciphertext_sha256\":\"" +
         doc.ciphertext_sha256 + "\",\"grants_ended\":" + std::to_string(grants_ended) + "}";
}

}  // namespace

DestructionService::DestructionService(Store& store, BlobStore& blobs, AuditSink& audit,
                                       const IdentifierHasher& hasher)
    : store_(store), blobs_(blobs), audit_(audit), hasher_(hasher) {}

Result<DestructionRequest> DestructionService::request(const Principal& by, Id document, std::string_view reason,
                                                       const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::destruction_request));
  CUSTOS_TRY_VOID(check_reason(reason));
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<DestructionRequest> {
    auto doc = tx.document_by_id(document);
    if (!doc || doc->state == DocumentState::uploading) return fail(ErrorCode::not_found, "no such document");
    CUSTOS_TRY_VOID(may_request(tx, by, *doc, origin.now));
    if (doc->state != DocumentState::active) {
      return fail(ErrorCode::conflict, "document " + std::to_string(document) + " is destroyed already");
    }
    DestructionRequest row;
    row.document_id = document;
    row.requested_by = by.user.id;
    row.reason = std::string(reason);
    row.requested_at = origin.now;
    auto made = tx.insert_destruction_request(row);
    if (!made) return made;
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::destruction_request, target_of(document),
                                   "{\"request\":" + std::to_string(made->id) + ",\"level\":\"" +
                                       std::string(to_string(doc->level)) + "\",\"reason\":\"" +
                                       json_escape(reason) + "\"}"));
    return made;
  });
}

Result<DestructionService::Decidable> DestructionService::decidable(Transaction& tx, const Principal& by, Id id) {
  auto request = tx.destruction_request_by_id(id);
  if (!request) return fail(request.error());
  if (request->department_id != by.user.department_id) {
    return fail(ErrorCode::permission_denied, "destruction request " + std::to_string(id) +
                                                  " concerns department '" + request->department + "', not yours");
  }
  // The company's rule: destruction is supervised by someone other than the
  // person who asked for it.
  if (request->requested_by == by.user.id) {
    return fail(ErrorCode::permission_denied,
                "you made destruction request " + std::to_string(id) + "; another project lead must decide it");
  }
  if (request->state != DestructionState::pending) {
    return fail(ErrorCode::conflict, "destruction request " + std::to_string(id) + " was " +
                                         std::string(to_string(request->state)) + " already");
  }
  auto doc = tx.document_by_id(request->document_id);
  if (!doc) return fail(doc.error());
  return Decidable{std::move(*request), std::move(*doc)};
}

Result<DestructionRecord> DestructionService::supervise(const Principal& by, Id id, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::document_destroy));
  auto location = CiphertextLocation::unknown;
  auto record = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<DestructionRecord> {
    auto found = decidable(tx, by, id);
    if (!found) return fail(found.error());
    const auto& doc = found->document;
    location = doc.ciphertext_in;
    const auto title_hash = hasher_.hash(doc.title);
    auto ended = tx.end_live_grants(doc.id, by.user.id, origin.now);
    if (!ended) return fail(ended.error());
    CUSTOS_TRY_VOID(tx.shred_document(doc.id, title_hash));
    CUSTOS_TRY_VOID(tx.decide_destruction_request(id, DestructionState::supervised, by.user.id, origin.now, ""));
    DestructionRecord out;
    out.detail = record_detail(found->request, doc, title_hash, by, origin.now, *ended);
    auto seq = tx.append_audit(make_audit(origin, &by, Action::document_destroy, target_of(doc.id),
                                          Outcome::allowed, "ok", out.detail));
    if (!seq) return fail(seq.error());
    out.seq = *seq;
    auto decided = tx.destruction_request_by_id(id);
    if (!decided) return fail(decided.error());
    out.request = std::move(*decided);
    return out;
  });
  if (!record) return record;
  // The commit destroyed the key, so the ciphertext no longer opens; now its
  // bytes go too. Outside the transaction: overwriting a large blob takes
  // seconds that no other write should wait for. A failure is reported in
  // the answer, and the next start-up sweep shreds the blob again.
  record->ciphertext_erased = true;
  if (location == CiphertextLocation::blob) {
    if (auto erased = blobs_.shred(record->request.document_id); !erased && erased.error().code != ErrorCode::not_found) {
      record->ciphertext_erased = false;
      record->erase_failure = erased.error();
    }
  }
  // The commit made the old pages unreachable; emptying the write-ahead log
  // removes their last copies from the store's files.
  record->purged = store_.checkpoint_truncate().has_value();
  return record;
}

Result<DestructionRequest> DestructionService::refuse(const Principal& by, Id id, std::string_view reason,
                                                      const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::destruction_refuse));
  CUSTOS_TRY_VOID(check_reason(reason));
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<DestructionRequest> {
    auto found = decidable(tx, by, id);
    if (!found) return fail(found.error());
    CUSTOS_TRY_VOID(tx.decide_destruction_request(id, DestructionState::refused, by.user.id, origin.now, reason));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::destruction_refuse, target_of(found->document.id),
                                   "{\"request\":" + std::to_string(id) + ",\"requester\":\"" +
                                       json_escape(found->request.requested_by_name) + "\",\"reason\":\"" +
                                       json_escape(reason) + "\"}"));
    return tx.destruction_request_by_id(id);
  });
}

Result<std::vector<DestructionRequest>> DestructionService::list(const Principal& by,
                                                                 std::optional<DestructionState> state,
                                                                 const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::destruction_list));
  DestructionQuery query;
  query.state = state;
  if (!by.user.roles.has(Role::auditor)) query.department = by.user.department_id;
  auto requests = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_destruction_requests(query); });
  if (!requests) return requests;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::destruction_list, "destruction_requests",
                                           Outcome::allowed, "ok",
                                           "{\"count\":" + std::to_string(requests->size()) + "}")));
  return requests;
}

}  // namespace custos::vault
