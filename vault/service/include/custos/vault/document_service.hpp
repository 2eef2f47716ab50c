// Delivered customer files: encrypted upload, listing, metadata and the
// release of content to a live grant.
//
// Each document has its own random data key. Content is encrypted with
// crypto_secretstream (1 MiB chunks); the data key is sealed with the vault
// key (XChaCha20-Poly1305). Both bind the document's id, version and level as
// associated data, so ciphertext or a wrapped key moved to another document,
// version or level does not open. Uploads stream: at most one chunk of
// plaintext is in memory at a time, in guarded memory.
//
// Thread-safety: the service is thread-safe; an Upload or ContentReader
// belongs to one request.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "custos/platform/hash.hpp"
#include "custos/platform/secretstream.hpp"
#include "custos/vault/audit_trail.hpp"

namespace custos::vault {

struct NewDocument {
  std::string title;
  Level level = Level::unknown;
  std::string department;  // empty: the uploader's own
  std::string filename;
  std::string content_type = "application/octet-stream";
};

class DocumentService;

// An upload in progress. Feed it bytes with write(), then finish(); if the
// request ends any other way, abort() (or the destructor) removes every
// staged chunk so nothing half-written stays in the store.
class Upload {
 public:
  ~Upload();
  Upload(const Upload&) = delete;
  Upload& operator=(const Upload&) = delete;

  Result<void> write(std::span<const std::uint8_t> bytes);
  Result<Document> finish(const Origin& origin);
  // Removes the staged document; `why` goes into the audit record.
  void abort(const Origin& origin, const Error& why);
  std::uint64_t bytes_received() const { return size_; }
  Id document_id() const { return document_.id; }

 private:
  friend class DocumentService;
  Upload(DocumentService& service, Principal principal, Document document, Secret data_key,
         secretstream::Encryptor encryptor);
  Result<void> seal_buffer(bool last);

  DocumentService& service_;
  Principal principal_;
  Document document_;
  Secret data_key_;
  secretstream::Encryptor encryptor_;
  Secret buffer_;                 // plaintext of the chunk being filled
  std::size_t buffered_ = 0;
  Bytes sealed_;
  Sha256 ciphertext_digest_;
  std::uint32_t chunks_ = 0;
  std::uint64_t size_ = 0;
  bool done_ = false;
};

// Decrypts a document chunk by chunk for one authorised request.
class ContentReader {
 public:
  const Document& document() const { return document_; }
  // Fills `out` with the next chunk of plaintext; false at the end. Fails
  // closed on any integrity error (and on a stream that ends early).
  Result<bool> next(Secret& out);

 private:
  friend class DocumentService;
  ContentReader(Store& store, Document document, secretstream::Decryptor decryptor)
      : store_(store), document_(std::move(document)), decryptor_(std::move(decryptor)) {}
  Store& store_;
  Document document_;
  secretstream::Decryptor decryptor_;
  std::uint32_t next_chunk_ = 0;
};

struct DocumentLimits {
  std::uint64_t max_upload_bytes = 8ull << 30;  // [limits] max_upload_bytes
};

class DocumentService {
 public:
  // `vault_key` is the 32-byte key that wraps data keys.
  DocumentService(Store& store, AuditSink& audit, const Secret& vault_key, DocumentLimits limits = {});

  Result<std::unique_ptr<Upload>> begin_upload(const Principal& by, NewDocument document, const Origin& origin);
  Result<std::vector<Document>> list(const Principal& by, const Origin& origin);
  Result<Document> show(const Principal& by, Id document, const Origin& origin);
  // Content leaves the vault only to a valid session with a live grant (and,
  // once agents exist, an enrolled workstation: see Origin::agent_id).
  Result<std::unique_ptr<ContentReader>> open_content(const Principal& by, Id document, const Origin& origin);

  // Removes uploads left unfinished by a crash; run at start.
  Result<int> sweep_incomplete_uploads(const Origin& origin);

  const DocumentLimits& limits() const { return limits_; }

 private:
  friend class Upload;
  Result<Document> visible_document(Transaction& tx, const Principal& by, Id document, UnixSeconds now);

  Store& store_;
  AuditSink& audit_;
  const Secret& vault_key_;
  DocumentLimits limits_;
};

// The associated data bound to a document's content and wrapped key.
Bytes document_associated_data(std::string_view purpose, const Document& document);

}  // namespace custos::vault
