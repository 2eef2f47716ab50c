// Delivered customer files: encrypted upload, listing, metadata and the
// release of content to a live grant.
//
// Each document has its own random data key. Content is encrypted with
// crypto_secretstream (1 MiB chunks); the data key is sealed with the vault
// key (XChaCha20-Poly1305). Both bind the document's id, version and level as
// associated data, so ciphertext or a wrapped key moved to another document,
// version or level does not open. Uploads stream: plaintext is only ever in
// guarded memory, at most a few chunks of it at a time.
//
// The ciphertext — the stream header, then every sealed chunk — is written
// once, to the document's blob (BlobStore), and flushed once; only then does
// the row that makes the document visible commit, with the wrapped key, the
// header, the size, the chunk count and the SHA-256 of those ciphertext
// bytes. Chunk i starts at a computable offset (all chunks but the last are
// full), so content is read back chunk by chunk at offsets. Documents
// uploaded before blobs existed are read from the store's chunk table.
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
#include "custos/vault/blob_store.hpp"

namespace custos::vault {

struct NewDocument {
  std::string title;
  Level level = Level::unknown;
  std::string department;  // empty: the uploader's own
  std::string filename;
  std::string content_type = "application/octet-stream";
};

class DocumentService;
class SealingPipeline;

// An upload in progress. Feed it bytes with write() — or, to spare a copy,
// fill room() in place and report wrote() — then finish(); if the request
// ends any other way, abort() (or the destructor) removes the staged
// document and its blob so nothing half-written stays.
class Upload {
 public:
  ~Upload();
  Upload(const Upload&) = delete;
  Upload& operator=(const Upload&) = delete;

  Result<void> write(std::span<const std::uint8_t> bytes);
  // Guarded memory for the next bytes of the file (at least one byte, at
  // most the rest of the current chunk). Write into it, then call wrote();
  // call room() only when more bytes are coming. May wait while earlier
  // chunks are sealed and written.
  Result<std::span<std::uint8_t>> room();
  // `count` bytes were written at the start of the last room().
  Result<void> wrote(std::size_t count);
  Result<Document> finish(const Origin& origin);
  // Removes the staged document; `why` goes into the audit record.
  void abort(const Origin& origin, const Error& why);
  std::uint64_t bytes_received() const { return size_; }
  Id document_id() const { return document_.id; }

 private:
  friend class DocumentService;
  Upload(DocumentService& service, Principal principal, Document document, Secret data_key,
         secretstream::Encryptor encryptor, std::unique_ptr<BlobWriter> blob);
  Result<void> start();

  DocumentService& service_;
  Principal principal_;
  Document document_;
  Secret data_key_;
  secretstream::Encryptor encryptor_;
  std::unique_ptr<BlobWriter> blob_;
  Sha256 ciphertext_digest_;
  std::unique_ptr<SealingPipeline> pipeline_;  // uses the three above; ends first
  std::span<std::uint8_t> chunk_;              // the plaintext chunk being filled
  std::size_t buffered_ = 0;                   // bytes of it filled
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
  ContentReader(Store& store, std::unique_ptr<BlobReader> blob, Document document, secretstream::Decryptor decryptor)
      : store_(store), blob_(std::move(blob)), document_(std::move(document)), decryptor_(std::move(decryptor)) {}
  Result<void> read_sealed(std::uint32_t index);

  Store& store_;
  std::unique_ptr<BlobReader> blob_;  // null for a document in the chunk table
  Document document_;
  secretstream::Decryptor decryptor_;
  Bytes sealed_;
  std::uint32_t next_chunk_ = 0;
};

// The layout of a document's blob: the stream header, then the sealed
// chunks, each kChunkSize + kChunkOverhead bytes but the last (smaller).
std::uint64_t blob_chunk_offset(std::uint32_t index);
std::uint64_t blob_size(std::uint64_t plaintext_size, std::uint32_t chunks);

// Why content is released: to be read (a view, a print run) or to lay out a
// print preview, which the agent turns into blank pages carrying only the
// stamp; a preview is refused, like printing, for a level the policy
// forbids to print, and the release is audited with its purpose.
enum class ContentPurpose : std::uint8_t { read, print_preview };

struct DocumentLimits {
  std::uint64_t max_upload_bytes = 8ull << 30;  // [limits] max_upload_bytes
};

class DocumentService {
 public:
  // `vault_key` is the 32-byte key that wraps data keys; `blobs` holds the
  // documents' ciphertext.
  DocumentService(Store& store, BlobStore& blobs, AuditSink& audit, const Secret& vault_key,
                  DocumentLimits limits = {});

  Result<std::unique_ptr<Upload>> begin_upload(const Principal& by, NewDocument document, const Origin& origin);
  Result<std::vector<Document>> list(const Principal& by, const Origin& origin);
  Result<Document> show(const Principal& by, Id document, const Origin& origin);
  // Content leaves the vault only to a valid session with a live grant, on
  // an enrolled workstation (Origin::agent_id) of `workstation_department`,
  // and when the policy's view rule allows both the user's department and
  // the workstation's (`levels.LEVEL.view_own_department_only`); for a
  // print preview, also when the policy allows printing its level.
  Result<std::unique_ptr<ContentReader>> open_content(const Principal& by, Id document, const Origin& origin,
                                                      std::string_view workstation_department,
                                                      ContentPurpose purpose = ContentPurpose::read);
  // Whether `by` may still view `document` on a workstation of
  // `workstation_department` (an open viewer asks every few seconds): the
  // live grant and the view rule, or permission_denied. Not audited when it
  // holds — it releases nothing; the caller records a refusal.
  Result<Grant> check_view(const Principal& by, Id document, const Origin& origin,
                           std::string_view workstation_department);

  // What a sweep removed.
  struct Sweep {
    int uploads = 0;  // staged documents (their rows; each audited)
    int blobs = 0;    // blobs without an active document, shredded
  };
  // Removes what a crash or a failed removal left: uploads never finished
  // (their rows, recorded in the audit log, and their staging blobs), and
  // published blobs without an active document — an upload that crashed
  // between publishing its blob and committing its row, or a destroyed
  // document whose blob could not be erased at the time (those are
  // overwritten first, like every blob shredded). Run at start, before
  // serving.
  Result<Sweep> sweep_incomplete_uploads(const Origin& origin);

  const DocumentLimits& limits() const { return limits_; }

 private:
  friend class Upload;
  Result<Document> visible_document(Transaction& tx, const Principal& by, Id document, UnixSeconds now);

  Store& store_;
  BlobStore& blobs_;
  AuditSink& audit_;
  const Secret& vault_key_;
  DocumentLimits limits_;
};

// The associated data bound to a document's content and wrapped key.
Bytes document_associated_data(std::string_view purpose, const Document& document);

}  // namespace custos::vault
