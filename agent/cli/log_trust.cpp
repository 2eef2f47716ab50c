#include "log_trust.hpp"

#include <boost/json.hpp>

#include "cli_context.hpp"
#include "custos/auditlog/export_file.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/files.hpp"
#include "custos/platform/timestamp.hpp"

namespace custos::cli {
namespace json = boost::json;
namespace {

std::filesystem::path head_file(const merkle::LogId& log_id) { return heads_dir() / (hex_encode(log_id) + ".json"); }

Result<void> save_head(const TrustedHead& trusted) {
  CUSTOS_TRY_VOID(files::make_private_dir(config_dir()));
  CUSTOS_TRY_VOID(files::make_private_dir(heads_dir()));
  const json::object o{{"log_id", hex_encode(trusted.head.head.log_id)},
                       {"public_key", trusted.key.to_string()},
                       {"tree_size", trusted.head.head.tree_size},
                       {"root_hash", hex_encode(trusted.head.head.root_hash)},
                       {"timestamp", format_rfc3339(trusted.head.head.timestamp)},
                       {"signed_head", auditlog::head_to_hex(trusted.head)}};
  return files::write_atomic(head_file(trusted.head.head.log_id), json::serialize(o) + "\n", 0600);
}

std::string n(std::uint64_t value) { return std::to_string(value); }

}  // namespace

std::filesystem::path heads_dir() { return config_dir() / "heads"; }

Result<PublicKey> read_public_key(const std::filesystem::path& file) {
  auto text = files::read_text(file);
  if (!text) return fail(text.error());
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r' || text->back() == ' ')) text->pop_back();
  auto key = PublicKey::parse(*text);
  if (!key) return fail(ErrorCode::invalid_argument, file.string() + " is not a vault public key (ed25519:<base64>)");
  return key;
}

Result<TrustedHead> head_from_answer(const json::value& answer) {
  auto key = PublicKey::parse(text_of(answer, "public_key"));
  if (!key) return fail(ErrorCode::corrupt, "the vault's head names no valid public key");
  auto head = auditlog::head_from_hex(text_of(answer, "signed_head"));
  if (!head) return fail(ErrorCode::corrupt, "the vault's head is malformed: " + head.error().message);
  if (head->head.log_id != merkle::log_id_for(*key)) {
    return fail(ErrorCode::crypto, "the vault's head is of a log its key does not name");
  }
  if (auto verified = merkle::verify_tree_head(*head, *key); !verified) {
    return fail(ErrorCode::crypto, "the vault's head does not carry its key's signature");
  }
  return TrustedHead{*head, *key};
}

Result<std::optional<TrustedHead>> load_saved_head(const merkle::LogId& log_id) {
  const auto path = head_file(log_id);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<TrustedHead>();
  auto text = files::read_text(path);
  if (!text) return fail(text.error());
  boost::system::error_code parse_error;
  const auto value = json::parse(*text, parse_error);
  const auto damaged = [&] { return fail(ErrorCode::corrupt, path.string() + " is damaged; remove it to trust anew"); };
  if (parse_error || !value.is_object()) return damaged();
  auto key = PublicKey::parse(text_of(value, "public_key"));
  auto head = auditlog::head_from_hex(text_of(value, "signed_head"));
  if (!key || !head || head->head.log_id != log_id || merkle::log_id_for(*key) != log_id ||
      !merkle::verify_tree_head(*head, *key)) {
    return damaged();
  }
  return std::optional<TrustedHead>(TrustedHead{*head, *key});
}

Result<std::optional<TrustedHead>> load_saved_head_for(const PublicKey& key) {
  return load_saved_head(merkle::log_id_for(key));
}

Result<std::vector<merkle::Hash>> fetch_consistency_path(vault::VaultClient& client, std::uint64_t old_size,
                                                         std::uint64_t new_size) {
  std::vector<merkle::Hash> path;
  if (old_size == 0 || new_size <= old_size) return path;
  auto proof = client.call("GET", "/api/v1/log/consistency?from=" + n(old_size) + "&to=" + n(new_size));
  if (!proof) return fail(proof.error());
  const auto* list = proof->is_object() ? proof->as_object().if_contains("path") : nullptr;
  if (list == nullptr || !list->is_array()) return fail(ErrorCode::corrupt, "the vault's consistency proof is malformed");
  for (const auto& h : list->as_array()) {
    auto bytes = h.is_string() ? hex_decode(std::string_view(h.as_string())) : Result<Bytes>();
    if (!bytes || bytes->size() != 32) return fail(ErrorCode::corrupt, "the vault's consistency proof is malformed");
    path.emplace_back();
    std::copy(bytes->begin(), bytes->end(), path.back().begin());
  }
  return path;
}

Result<std::string> check_and_save_head(vault::VaultClient& client, const TrustedHead& fresh) {
  auto saved = load_saved_head(fresh.head.head.log_id);
  if (!saved) return fail(saved.error());
  if (!*saved) {
    CUSTOS_TRY_VOID(save_head(fresh));
    return std::string("first head of this log saved (" + n(fresh.head.head.tree_size) +
                       " entries); later commands check the log only grows from it");
  }
  const auto& old = (*saved)->head;
  if (!((*saved)->key == fresh.key)) return fail(ErrorCode::crypto, "the vault's key is not the one saved for this log");
  const auto old_size = old.head.tree_size, new_size = fresh.head.head.tree_size;
  if (new_size < old_size) {
    return fail(ErrorCode::conflict, "the vault shows a log of " + n(new_size) + " entries, but you saw " +
                                         n(old_size) + " before: the log was cut short or rolled back");
  }
  auto path = fetch_consistency_path(client, old_size, new_size);
  if (!path) return fail(path.error());
  if (auto extends = merkle::verify_head_extends(old, fresh.head, *path, fresh.key); !extends) {
    if (extends.error().code == ErrorCode::conflict) {
      return fail(ErrorCode::conflict, "the log forked: the vault's head of " + n(new_size) +
                                           " entries contradicts the one you saved (" + n(old_size) + " entries)");
    }
    return fail(extends.error().code, "the vault's log does not extend the head you saved (" + n(old_size) +
                                          " entries): " + extends.error().message);
  }
  if (new_size > old_size) CUSTOS_TRY_VOID(save_head(fresh));
  return std::string();
}

}  // namespace custos::cli
