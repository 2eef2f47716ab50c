// Where documents' ciphertext lives: one blob per document, written once by
// its upload, read by offset, erased by its destruction. The store (SQLite)
// keeps each document's row — metadata, wrapped data key, stream header,
// ciphertext digest — and the blob holds the bytes that digest covers
// (docs/file-formats.md, "Ciphertext files").
//
// A blob is made in two steps so that nothing half-written is ever taken
// for content: a BlobWriter fills a staging blob, then publish() makes it
// durable under its final name. The caller commits the document's row only
// after publish() succeeded; a crash in between leaves a published blob
// without an active row, which the vault's start-up sweep removes.
//
// Every failure of the file system (a write, a flush, a rename) comes back
// as an Error (code io, or not_found); none is ever reported as stored.
//
// Thread-safety: a BlobStore may be used from many threads, for distinct
// documents; a BlobWriter or BlobReader belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "custos/platform/error.hpp"
#include "custos/vault/model.hpp"

namespace custos::vault {

// A staging blob being filled. Destroying a writer that was not published
// discards its staging blob; a published blob stays until discard().
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  // Appends `bytes`. The writer may start writing them back to the disk at
  // once, so that publish() has little left to flush.
  virtual Result<void> append(std::span<const std::uint8_t> bytes) = 0;
  // Flushes every appended byte to stable storage, gives the blob its final
  // name and flushes the folder, in that order. After success the blob
  // survives a crash; after a failure nothing was published.
  virtual Result<void> publish() = 0;
  // Removes the blob, staged or published (when the row that was to make a
  // published blob visible did not commit). Idempotent.
  virtual Result<void> discard() = 0;
};

// A published blob, read at offsets.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual std::uint64_t size() const = 0;
  // Fills `out` with the bytes at `offset`; corrupt when the blob ends first.
  virtual Result<void> read_at(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
};

// What a blob store holds: the documents with a published blob, and those
// with a staging blob (an upload in progress or one a crash interrupted).
struct BlobInventory {
  std::vector<Id> published;
  std::vector<Id> staging;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Starts the staging blob of `document`, replacing any stale one.
  virtual Result<std::unique_ptr<BlobWriter>> create(Id document) = 0;
  // The published blob of `document`; not_found when there is none.
  virtual Result<std::unique_ptr<BlobReader>> open(Id document) = 0;
  // Destroys the published blob of `document`: overwrites every byte of it
  // in place (once, with zeros), flushes that to stable storage, removes
  // the name and flushes the folder. not_found when there is none.
  virtual Result<void> shred(Id document) = 0;
  // Removes the staging blob of `document`, if any, and flushes the folder.
  virtual Result<void> remove_staging(Id document) = 0;
  virtual Result<BlobInventory> inventory() = 0;
};

// Blobs as files in the folder `root` (created, mode 0700, when missing):
// `<id>` published, `<id>.part` staging, each mode 0600. Names of any other
// form are not the store's and are left alone.
Result<std::unique_ptr<BlobStore>> open_posix_blob_store(const std::filesystem::path& root);

}  // namespace custos::vault
