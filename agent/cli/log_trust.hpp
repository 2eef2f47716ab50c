// The auditor's memory of the audit log: the last signed tree head seen of
// each log, kept in ~/.config/custos/heads/<log id>.json with the vault's
// public key (trusted on first use, then pinned: the log id is derived from
// it). Every command that fetches a head checks it against the saved one —
// smaller means the log was cut short or rolled back, same size with another
// root or a consistency proof that fails means it forked — and saves it when
// it is newer. Files are written atomically, 0600.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "custos/merkle/tree_head.hpp"
#include "custos/platform/signing.hpp"
#include "custos/vault/client.hpp"

namespace custos::cli {

struct TrustedHead {
  merkle::SignedTreeHead head;
  PublicKey key;
};

std::filesystem::path heads_dir();

// The head saved for `log_id`, if any (corrupt when the file is damaged or
// its head does not verify with its pinned key).
Result<std::optional<TrustedHead>> load_saved_head(const merkle::LogId& log_id);
// The head saved for the log `key` signs.
Result<std::optional<TrustedHead>> load_saved_head_for(const PublicKey& key);

// Reads a head from the vault's answer to GET /api/v1/log/head.
Result<TrustedHead> head_from_answer(const boost::json::value& answer);

// Checks `fresh` against the saved head (asking `client` for the consistency
// proof) and saves it when it is newer. conflict: truncated, rolled back or
// forked; corrupt: the proof does not verify; crypto: a bad signature or a
// key other than the pinned one. Returns a note for the user ("" if none).
Result<std::string> check_and_save_head(vault::VaultClient& client, const TrustedHead& fresh);

// The vault's proof that its log of `old_size` entries is a prefix of its
// log of `new_size` (empty when there is nothing to prove). corrupt when the
// answer is malformed; what it proves is checked by the caller.
Result<std::vector<merkle::Hash>> fetch_consistency_path(vault::VaultClient& client, std::uint64_t old_size,
                                                         std::uint64_t new_size);

// Reads a public key file ("ed25519:<base64>", as keys/signing.pub).
Result<PublicKey> read_public_key(const std::filesystem::path& file);

}  // namespace custos::cli
