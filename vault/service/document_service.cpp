#include "custos/vault/document_service.hpp"

#include "custos/platform/aead.hpp"

#include <cstring>

namespace custos::vault {
namespace {

std::string target_of(Id document) { return "document:" + std::to_string(document); }

}  // namespace

Bytes document_associated_data(std::string_view purpose, const Document& document) {
  // "custos-<purpose>-v1|<id>|<version>|<level>": fixed order, '|' cannot
  // occur inside any field, so distinct documents never share a string.
  std::string text = "custos-" + std::string(purpose) + "-v1|" + std::to_string(document.id) + "|" +
                     std::to_string(document.version) + "|" + std::string(to_string(document.level));
  return Bytes(text.begin(), text.end());
}

DocumentService::DocumentService(Store& store, AuditSink& audit, const Secret& vault_key, DocumentLimits limits)
    : store_(store), audit_(audit), vault_key_(vault_key), limits_(limits) {}

Result<std::unique_ptr<Upload>> DocumentService::begin_upload(const Principal& by, NewDocument meta,
                                                              const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::document_upload));
  if (meta.title.empty() || meta.title.size() > 512) {
    return fail(ErrorCode::invalid_argument, "a document needs a title of 1 to 512 bytes");
  }
  if (meta.level == Level::unknown) {
    return fail(ErrorCode::invalid_argument, "level must be secret, confidential or top_secret");
  }
  if (meta.department.empty()) meta.department = by.user.department;
  if (meta.department != by.user.department) {
    return fail(ErrorCode::permission_denied, "a project lead uploads only to their own department (" +
                                                  by.user.department + ")");
  }
  if (meta.filename.size() > 255 || meta.content_type.size() > 255) {
    return fail(ErrorCode::invalid_argument, "file name and content type have at most 255 bytes");
  }
  // The row is staged (state `uploading`, invisible, no key) so the id that
  // the associated data binds exists before the first byte is encrypted.
  auto staged = transact(store_, TxMode::staging, [&](Transaction& tx) -> Result<Document> {
    Document doc;
    doc.title = meta.title;
    doc.level = meta.level;
    doc.department_id = by.user.department_id;
    doc.filename = meta.filename;
    doc.content_type = meta.content_type;
    doc.version = 1;
    doc.uploaded_by = by.user.id;
    doc.created_at = origin.now;
    return tx.insert_document(doc);
  });
  if (!staged) return fail(staged.error());
  auto data_key = Secret::random(secretstream::kKeySize);
  auto encryptor = secretstream::Encryptor::create(data_key, document_associated_data("doc", *staged));
  if (!encryptor) return fail(encryptor.error());
  return std::unique_ptr<Upload>(new Upload(*this, by, std::move(*staged), std::move(data_key), std::move(*encryptor)));
}

Upload::Upload(DocumentService& service, Principal principal, Document document, Secret data_key,
               secretstream::Encryptor encryptor)
    : service_(service), principal_(std::move(principal)), document_(std::move(document)),
      data_key_(std::move(data_key)), encryptor_(std::move(encryptor)), buffer_(secretstream::kChunkSize) {
  ciphertext_digest_.update(encryptor_.header());
}

Upload::~Upload() {
  if (!done_) abort(Origin{"", "", now_seconds(), ""}, Error{ErrorCode::unavailable, "upload abandoned"});
}

Result<void> Upload::write(std::span<const std::uint8_t> bytes) {
  if (done_) return fail(ErrorCode::internal, "upload already ended");
  if (size_ + bytes.size() > service_.limits_.max_upload_bytes) {
    return fail(ErrorCode::too_large, "the file is larger than the vault accepts (" +
                                          std::to_string(service_.limits_.max_upload_bytes) + " bytes)");
  }
  size_ += bytes.size();
  auto buffer = buffer_.unsafe_bytes();
  while (!bytes.empty()) {
    // A full buffer is sealed only when more bytes follow, so that the last
    // chunk can always carry the FINAL tag.
    if (buffered_ == buffer.size()) CUSTOS_TRY_VOID(seal_buffer(false));
    const auto take = std::min(bytes.size(), buffer.size() - buffered_);
    std::memcpy(buffer.data() + buffered_, bytes.data(), take);
    buffered_ += take;
    bytes = bytes.subspan(take);
  }
  return ok();
}

Result<void> Upload::seal_buffer(bool last) {
  CUSTOS_TRY_VOID(encryptor_.push(buffer_.unsafe_bytes().first(buffered_), last, sealed_));
  ciphertext_digest_.update(sealed_);
  const auto index = chunks_;
  CUSTOS_TRY_VOID(transact(service_.store_, TxMode::staging, [&](Transaction& tx) -> Result<void> {
    return tx.insert_chunk(document_.id, index, sealed_);
  }));
  ++chunks_;
  buffered_ = 0;
  return ok();
}

Result<Document> Upload::finish(const Origin& origin) {
  if (done_) return fail(ErrorCode::internal, "upload already ended");
  if (auto sealed = seal_buffer(true); !sealed) {
    abort(origin, sealed.error());
    return fail(sealed.error());
  }
  auto wrapped = aead::seal(service_.vault_key_, data_key_.unsafe_bytes(), document_associated_data("dk", document_));
  if (!wrapped) {
    abort(origin, wrapped.error());
    return fail(wrapped.error());
  }
  const auto digest = hex_encode(ciphertext_digest_.finish());
  auto activated = transact(service_.store_, TxMode::write, [&](Transaction& tx) -> Result<Document> {
    CUSTOS_TRY_VOID(tx.activate_document(document_.id, size_, chunks_, digest, *wrapped, encryptor_.header()));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &principal_, Action::document_upload, target_of(document_.id),
                            "{\"level\":\"" + std::string(to_string(document_.level)) + "\",\"size\":" +
                                std::to_string(size_) + ",\"ciphertext_sha256\":\"" + digest + "\"}"));
    return tx.document_by_id(document_.id);
  });
  if (!activated) {
    abort(origin, activated.error());
    return fail(activated.error());
  }
  done_ = true;
  return activated;
}

void Upload::abort(const Origin& origin, const Error& why) {
  if (done_) return;
  done_ = true;
  // Deleting staged chunks is recorded with the refusal that caused it.
  (void)transact(service_.store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.delete_document(document_.id));
    auto record = refusal_audit(origin, &principal_, Action::document_upload, target_of(document_.id), why);
    CUSTOS_TRY_VOID(tx.append_audit(record));
    return ok();
  });
}

Result<Document> DocumentService::visible_document(Transaction& tx, const Principal& by, Id id, UnixSeconds now) {
  auto doc = tx.document_by_id(id);
  if (!doc || doc->state != DocumentState::active) return fail(ErrorCode::not_found, "no such document");
  const auto& roles = by.user.roles;
  if (roles.has(Role::general_manager)) return doc;
  if ((roles.has(Role::project_lead) || roles.has(Role::dept_manager)) && doc->department_id == by.user.department_id) {
    return doc;
  }
  auto grant = tx.live_grant(id, by.user.id, now);
  if (!grant) return fail(grant.error());
  if (grant->has_value()) return doc;
  // Not telling whether the document exists would hide nothing from a user
  // of the same vault; saying "not granted" is the more useful answer.
  return fail(ErrorCode::permission_denied, "you hold no live grant on document " + std::to_string(id));
}

Result<std::vector<Document>> DocumentService::list(const Principal& by, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::document_list));
  std::optional<Id> department;
  if (!by.user.roles.has(Role::general_manager)) department = by.user.department_id;
  auto docs = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_documents(department); });
  if (!docs) return docs;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::document_list, "documents", Outcome::allowed, "ok",
                                           "{\"count\":" + std::to_string(docs->size()) + "}")));
  return docs;
}

Result<Document> DocumentService::show(const Principal& by, Id id, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::document_show));
  auto doc = transact(store_, TxMode::read, [&](Transaction& tx) { return visible_document(tx, by, id, origin.now); });
  if (!doc) return doc;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::document_show, target_of(id), Outcome::allowed, "ok")));
  return doc;
}

Result<std::unique_ptr<ContentReader>> DocumentService::open_content(const Principal& by, Id id, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::document_content));
  // The grant is checked and the release audited in one write transaction:
  // no content leaves unless its record is durable.
  auto doc = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<Document> {
    auto found = tx.document_by_id(id);
    if (!found || found->state != DocumentState::active) return fail(ErrorCode::not_found, "no such document");
    auto grant = tx.live_grant(id, by.user.id, origin.now);
    if (!grant) return fail(grant.error());
    if (!grant->has_value()) {
      return fail(ErrorCode::permission_denied, "you hold no live grant on document " + std::to_string(id));
    }
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::document_content, target_of(id),
                            "{\"grant\":" + std::to_string((*grant)->id) + ",\"agent\":\"" +
                                json_escape(origin.agent_id) + "\"}"));
    return found;
  });
  if (!doc) return fail(doc.error());
  auto data_key = aead::open(vault_key_, doc->wrapped_key, document_associated_data("dk", *doc));
  if (!data_key) return fail(ErrorCode::corrupt, "the document's key does not open; the store may be damaged");
  auto decryptor = secretstream::Decryptor::create(*data_key, doc->stream_header, document_associated_data("doc", *doc));
  if (!decryptor) return fail(decryptor.error());
  return std::unique_ptr<ContentReader>(new ContentReader(store_, std::move(*doc), std::move(*decryptor)));
}

Result<bool> ContentReader::next(Secret& out) {
  if (next_chunk_ == document_.chunk_count) {
    if (!decryptor_.finished()) return fail(ErrorCode::corrupt, "the document's content is truncated");
    return false;
  }
  const auto index = next_chunk_;
  auto sealed = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.chunk(document_.id, index); });
  if (!sealed) return fail(ErrorCode::corrupt, "a chunk of the document is missing");
  CUSTOS_TRY_VOID(decryptor_.pull(*sealed, out));
  ++next_chunk_;
  return true;
}

Result<int> DocumentService::sweep_incomplete_uploads(const Origin& origin) {
  auto ids = transact(store_, TxMode::read, [](Transaction& tx) { return tx.incomplete_uploads(); });
  if (!ids) return fail(ids.error());
  for (const auto id : *ids) {
    CUSTOS_TRY_VOID(transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
      CUSTOS_TRY_VOID(tx.delete_document(id));
      auto record = make_audit(origin, nullptr, Action::document_upload, target_of(id), Outcome::refused,
                               "unavailable", "{\"message\":\"upload interrupted by a vault restart; removed\"}");
      CUSTOS_TRY_VOID(tx.append_audit(record));
      return ok();
    }));
  }
  return static_cast<int>(ids->size());
}

}  // namespace custos::vault
