// The embedded store: one SQLite file in WAL mode with foreign keys,
// `secure_delete` (deleted ciphertext is overwritten, not left in free pages),
// synchronous=FULL (an acknowledged action survives power loss) and numbered
// migrations applied when the store opens.
//
// Thread-safety: as Store. Write transactions are serialised on one writer
// connection; read transactions run on a small pool of read-only connections
// beside it, so reads are not held up by a writer waiting for its fsync.
#pragma once

#include <filesystem>
#include <memory>

#include "custos/vault/store.hpp"

namespace custos::vault {

struct SqliteOptions {
  // Wait this long for a lock held by another process before failing.
  int busy_timeout_ms = 5000;
  // Read-only connections for read transactions (0: reads share the writer).
  int readers = 4;
};

// The schema version this build writes; a store with a newer one is refused.
int sqlite_schema_version();

// Opens (creating when `create` is set) the store at `path`.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& path, bool create,
                                                 SqliteOptions options = {});

}  // namespace custos::vault
