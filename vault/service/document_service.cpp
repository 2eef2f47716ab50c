#include "custos/vault/document_service.hpp"

#include "custos/platform/aead.hpp"
#include "custos/platform/json_text.hpp"

#include <algorithm>
#include <cstring>

#include "print_rule.hpp"
#include "sealing_pipeline.hpp"
#include "view_rule.hpp"

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

std::uint64_t blob_chunk_offset(std::uint32_t index) {
  return secretstream::kHeaderSize + std::uint64_t{index} * (secretstream::kChunkSize + secretstream::kChunkOverhead);
}

std::uint64_t blob_size(std::uint64_t plaintext_size, std::uint32_t chunks) {
  return secretstream::kHeaderSize + plaintext_size + std::uint64_t{chunks} * secretstream::kChunkOverhead;
}

DocumentService::DocumentService(Store& store, BlobStore& blobs, AuditSink& audit, const Secret& vault_key,
                                 DocumentLimits limits)
    : store_(store), blobs_(blobs), audit_(audit), vault_key_(vault_key), limits_(limits) {}

Result<std::unique_ptr<Upload>> DocumentService::begin_upload(const Principal& by, NewDocument meta,
                                                              const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::document_upload));
  if (meta.title.empty() || meta.title.size() > 512 || !is_printable_text(meta.title)) {
    return fail(ErrorCode::invalid_argument,
                "a document needs a title of 1 to 512 bytes of UTF-8 text without control characters");
  }
  if (meta.level == Level::unknown) {
    return fail(ErrorCode::invalid_argument, "level must be secret, confidential or top_secret");
  }
  if (meta.department.empty()) meta.department = by.user.department;
  if (meta.department != by.user.department) {
    return fail(ErrorCode::permission_denied, "a project lead uploads only to their own department (" +
                                                  by.user.department + ")");
  }
  if (meta.filename.size() > 255 || meta.content_type.size() > 255 || !is_printable_text(meta.filename) ||
      !is_printable_text(meta.content_type)) {
    return fail(ErrorCode::invalid_argument,
                "file name and content type are at most 255 bytes of UTF-8 text without control characters");
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
  auto started = [&]() -> Result<std::unique_ptr<Upload>> {
    auto data_key = Secret::random(secretstream::kKeySize);
    auto encryptor = secretstream::Encryptor::create(data_key, document_associated_data("doc", *staged));
    if (!encryptor) return fail(encryptor.error());
    auto blob = blobs_.create(staged->id);
    if (!blob) return fail(blob.error());
    std::unique_ptr<Upload> upload(
        new Upload(*this, by, *staged, std::move(data_key), std::move(*encryptor), std::move(*blob)));
    if (auto started_ok = upload->start(); !started_ok) {
      upload->done_ = true;  // removed below, without the audited abort
      return fail(started_ok.error());
    }
    return upload;
  }();
  if (!started) {
    // Nobody saw the staged row; its removal is as invisible as its making
    // (the caller records the refusal).
    (void)transact(store_, TxMode::staging, [&](Transaction& tx) { return tx.delete_document(staged->id); });
    (void)blobs_.remove_staging(staged->id);
  }
  return started;
}

Upload::Upload(DocumentService& service, Principal principal, Document document, Secret data_key,
               secretstream::Encryptor encryptor, std::unique_ptr<BlobWriter> blob)
    : service_(service), principal_(std::move(principal)), document_(std::move(document)),
      data_key_(std::move(data_key)), encryptor_(std::move(encryptor)), blob_(std::move(blob)),
      pipeline_(std::make_unique<SealingPipeline>(encryptor_, *blob_, ciphertext_digest_)) {}

Result<void> Upload::start() {
  // The blob opens with the stream header: its bytes are exactly those the
  // ciphertext digest covers.
  ciphertext_digest_.update(encryptor_.header());
  return blob_->append(encryptor_.header());
}

Upload::~Upload() {
  if (!done_) abort(Origin{"", "", now_seconds(), ""}, Error{ErrorCode::unavailable, "upload abandoned"});
}

Result<std::span<std::uint8_t>> Upload::room() {
  if (done_) return fail(ErrorCode::internal, "upload already ended");
  // A full chunk is handed on only when more bytes follow, so that the last
  // chunk can always carry the FINAL tag.
  if (!chunk_.empty() && buffered_ == chunk_.size()) {
    CUSTOS_TRY_VOID(pipeline_->submit(buffered_, false));
    chunk_ = {};
    buffered_ = 0;
  }
  if (chunk_.empty()) {
    auto taken = pipeline_->take_buffer();
    if (!taken) return fail(taken.error());
    chunk_ = *taken;
  }
  return chunk_.subspan(buffered_);
}

Result<void> Upload::wrote(std::size_t count) {
  if (done_) return fail(ErrorCode::internal, "upload already ended");
  if (count > chunk_.size() - buffered_) return fail(ErrorCode::internal, "more bytes reported than there was room for");
  if (size_ + count > service_.limits_.max_upload_bytes) {
    return fail(ErrorCode::too_large, "the file is larger than the vault accepts (" +
                                          std::to_string(service_.limits_.max_upload_bytes) + " bytes)");
  }
  size_ += count;
  buffered_ += count;
  return ok();
}

Result<void> Upload::write(std::span<const std::uint8_t> bytes) {
  if (done_) return fail(ErrorCode::internal, "upload already ended");
  if (size_ + bytes.size() > service_.limits_.max_upload_bytes) {
    return fail(ErrorCode::too_large, "the file is larger than the vault accepts (" +
                                          std::to_string(service_.limits_.max_upload_bytes) + " bytes)");
  }
  while (!bytes.empty()) {
    auto space = room();
    if (!space) return fail(space.error());
    const auto take = std::min(bytes.size(), space->size());
    std::memcpy(space->data(), bytes.data(), take);
    CUSTOS_TRY_VOID(wrote(take));
    bytes = bytes.subspan(take);
  }
  return ok();
}

Result<Document> Upload::finish(const Origin& origin) {
  if (done_) return fail(ErrorCode::internal, "upload already ended");
  auto sealed = [&]() -> Result<void> {
    if (chunk_.empty()) {
      auto taken = pipeline_->take_buffer();  // an empty file: one empty final chunk
      if (!taken) return fail(taken.error());
      chunk_ = *taken;
    }
    CUSTOS_TRY_VOID(pipeline_->submit(buffered_, true));
    CUSTOS_TRY_VOID(pipeline_->drain());
    // Durable under its final name before the row that makes it visible.
    return blob_->publish();
  }();
  if (!sealed) {
    abort(origin, sealed.error());
    return fail(sealed.error());
  }
  auto wrapped = aead::seal(service_.vault_key_, data_key_.unsafe_bytes(), document_associated_data("dk", document_));
  if (!wrapped) {
    abort(origin, wrapped.error());
    return fail(wrapped.error());
  }
  const auto digest = hex_encode(ciphertext_digest_.finish());
  const auto chunks = pipeline_->chunks_submitted();
  auto activated = transact(service_.store_, TxMode::write, [&](Transaction& tx) -> Result<Document> {
    CUSTOS_TRY_VOID(tx.activate_document(document_.id, size_, chunks, digest, *wrapped, encryptor_.header()));
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
  pipeline_.reset();
  return activated;
}

void Upload::abort(const Origin& origin, const Error& why) {
  if (done_) return;
  done_ = true;
  // The threads stop before the blob goes. A blob that cannot be removed
  // now is removed by the next start-up sweep.
  pipeline_.reset();
  (void)blob_->discard();
  // Deleting the staged row is recorded with the refusal that caused it.
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

namespace {

// An active document `by` may view now on a workstation of
// `workstation_department`: its live grant and the policy's view rule.
Result<std::pair<Document, Grant>> viewable_document(Transaction& tx, const Principal& by, Id id, UnixSeconds now,
                                                     std::string_view workstation_department) {
  auto found = tx.document_by_id(id);
  if (!found || found->state != DocumentState::active) return fail(ErrorCode::not_found, "no such document");
  auto grant = tx.live_grant(id, by.user.id, now);
  if (!grant) return fail(grant.error());
  if (!grant->has_value()) {
    return fail(ErrorCode::permission_denied, "you hold no live grant on document " + std::to_string(id));
  }
  CUSTOS_TRY_VOID(check_view_rule(tx, *found, by.user.department, workstation_department));
  return std::pair{std::move(*found), std::move(**grant)};
}

}  // namespace

Result<Grant> DocumentService::check_view(const Principal& by, Id id, const Origin& origin,
                                          std::string_view workstation_department) {
  CUSTOS_TRY_VOID(require_role(by, Action::document_view_check));
  return transact(store_, TxMode::read, [&](Transaction& tx) -> Result<Grant> {
    auto viewable = viewable_document(tx, by, id, origin.now, workstation_department);
    if (!viewable) return fail(viewable.error());
    return std::move(viewable->second);
  });
}

Result<std::unique_ptr<ContentReader>> DocumentService::open_content(const Principal& by, Id id, const Origin& origin,
                                                                     std::string_view workstation_department,
                                                                     ContentPurpose purpose) {
  CUSTOS_TRY_VOID(require_role(by, Action::document_content));
  // The grant is checked and the release audited in one write transaction:
  // no content leaves unless its record is durable.
  auto doc = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<Document> {
    auto viewable = viewable_document(tx, by, id, origin.now, workstation_department);
    if (!viewable) return fail(viewable.error());
    if (purpose == ContentPurpose::print_preview) CUSTOS_TRY_VOID(check_print_rule(tx, viewable->first));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::document_content, target_of(id),
                            "{\"grant\":" + std::to_string(viewable->second.id) + ",\"agent\":\"" +
                                json_escape(origin.agent_id) + "\"" +
                                (purpose == ContentPurpose::print_preview ? ",\"purpose\":\"print_preview\"}" : "}")));
    return std::move(viewable->first);
  });
  if (!doc) return fail(doc.error());
  auto data_key = aead::open(vault_key_, doc->wrapped_key, document_associated_data("dk", *doc));
  if (!data_key) return fail(ErrorCode::corrupt, "the document's key does not open; the store may be damaged");
  auto decryptor = secretstream::Decryptor::create(*data_key, doc->stream_header, document_associated_data("doc", *doc));
  if (!decryptor) return fail(decryptor.error());
  std::unique_ptr<BlobReader> blob;
  if (doc->ciphertext_in == CiphertextLocation::blob) {
    auto opened = blobs_.open(id);
    if (!opened) {
      if (opened.error().code == ErrorCode::not_found) {
        return fail(ErrorCode::corrupt, "the ciphertext of document " + std::to_string(id) + " is missing");
      }
      return fail(opened.error());
    }
    // Its size and its first bytes must be what the row says.
    if ((*opened)->size() != blob_size(doc->size, doc->chunk_count) || doc->chunk_count == 0) {
      return fail(ErrorCode::corrupt, "the ciphertext of document " + std::to_string(id) + " has the wrong size");
    }
    Bytes header(secretstream::kHeaderSize);
    CUSTOS_TRY_VOID((*opened)->read_at(0, header));
    if (header != doc->stream_header) {
      return fail(ErrorCode::corrupt, "the ciphertext of document " + std::to_string(id) + " is not its own");
    }
    blob = std::move(*opened);
  } else if (doc->ciphertext_in != CiphertextLocation::chunks) {
    return fail(ErrorCode::corrupt, "document " + std::to_string(id) + " says nothing known about its ciphertext");
  }
  return std::unique_ptr<ContentReader>(
      new ContentReader(store_, std::move(blob), std::move(*doc), std::move(*decryptor)));
}

Result<void> ContentReader::read_sealed(std::uint32_t index) {
  if (!blob_) {
    auto sealed = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.chunk(document_.id, index); });
    if (!sealed) return fail(ErrorCode::corrupt, "a chunk of the document is missing");
    sealed_ = std::move(*sealed);
    return ok();
  }
  // Every chunk but the last is full, so chunk `index` starts at a fixed
  // offset and the last one ends with the blob.
  const auto offset = blob_chunk_offset(index);
  const auto full = std::uint64_t{secretstream::kChunkSize + secretstream::kChunkOverhead};
  if (offset >= blob_->size()) return fail(ErrorCode::corrupt, "a chunk of the document is missing");
  sealed_.resize(static_cast<std::size_t>(std::min(full, blob_->size() - offset)));
  return blob_->read_at(offset, sealed_);
}

Result<bool> ContentReader::next(Secret& out) {
  if (next_chunk_ == document_.chunk_count) {
    if (!decryptor_.finished()) return fail(ErrorCode::corrupt, "the document's content is truncated");
    return false;
  }
  CUSTOS_TRY_VOID(read_sealed(next_chunk_));
  CUSTOS_TRY_VOID(decryptor_.pull(sealed_, out));
  ++next_chunk_;
  return true;
}

Result<DocumentService::Sweep> DocumentService::sweep_incomplete_uploads(const Origin& origin) {
  Sweep swept;
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
    ++swept.uploads;
  }
  // Then the blobs: every staging one goes, and every published one that no
  // active document owns (read after the rows above are gone).
  auto inventory = blobs_.inventory();
  if (!inventory) return fail(inventory.error());
  for (const auto id : inventory->staging) CUSTOS_TRY_VOID(blobs_.remove_staging(id));
  auto keep = transact(store_, TxMode::read, [](Transaction& tx) { return tx.active_documents_in_blobs(); });
  if (!keep) return fail(keep.error());
  for (const auto id : inventory->published) {
    if (std::binary_search(keep->begin(), keep->end(), id)) continue;
    CUSTOS_TRY_VOID(blobs_.shred(id));
    ++swept.blobs;
  }
  return swept;
}

}  // namespace custos::vault
