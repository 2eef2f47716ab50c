#include "custos/vault/log_service.hpp"

#include <thread>

#include "custos/merkle/prover.hpp"

namespace custos::vault {
namespace {

std::string n(std::uint64_t value) { return std::to_string(value); }

// The root the stored subtrees give for `size` entries, and the proof that
// `last` (when there is one) is a prefix of that log.
Result<merkle::ConsistencyProof> check_extends(Store& store, const std::optional<merkle::SignedTreeHead>& last,
                                               std::uint64_t size, const merkle::Hash& root) {
  return transact(store, TxMode::read, [&](Transaction& tx) -> Result<merkle::ConsistencyProof> {
    TransactionHashSource source(tx);
    auto stored_root = merkle::root_at(source, size);
    if (!stored_root) return fail(stored_root.error());
    if (*stored_root != root) {
      return fail(ErrorCode::corrupt, "the stored log of " + n(size) + " entries does not give the live root");
    }
    if (!last) return merkle::ConsistencyProof{0, size, {}};
    auto proof = merkle::prove_consistency(source, last->head.tree_size, size);
    if (!proof) return fail(proof.error());
    merkle::TreeHead next = last->head;
    next.tree_size = size;
    next.root_hash = root;
    if (auto consistent = merkle::check_heads_consistent(last->head, next, proof->path); !consistent) {
      return fail(consistent.error().code, "the log no longer extends its last signed head (" +
                                               n(last->head.tree_size) + " entries): " + consistent.error().message);
    }
    return proof;
  });
}

}  // namespace

Result<std::unique_ptr<LogService>> LogService::open(Store& store, AuditSink& audit, const SigningKey& signing,
                                                     const IdentifierHasher& identifiers, LogOptions options) {
  auto last = transact(store, TxMode::read, [](Transaction& tx) { return tx.latest_tree_head(); });
  if (!last) return fail(last.error());
  if (*last) {
    if (auto signed_ok = merkle::verify_tree_head(**last, signing.public_key()); !signed_ok) {
      return fail(ErrorCode::corrupt, "the last stored tree head is not signed by this vault's key");
    }
    const auto state = store.log_state();
    if (state.size < (*last)->head.tree_size) {
      return fail(ErrorCode::corrupt, "the log holds " + n(state.size) + " entries but its last signed head covers " +
                                          n((*last)->head.tree_size) + ": the store was rolled back or cut short");
    }
    if (auto extends = check_extends(store, *last, state.size, state.root); !extends) {
      return fail(ErrorCode::corrupt, extends.error().message);
    }
  }
  return std::unique_ptr<LogService>(new LogService(store, audit, signing, identifiers, options, std::move(*last)));
}

LogService::LogService(Store& store, AuditSink& audit, const SigningKey& signing, const IdentifierHasher& identifiers,
                       LogOptions options, std::optional<merkle::SignedTreeHead> last)
    : store_(store),
      audit_(audit),
      signing_(signing),
      identifiers_(identifiers),
      options_(options),
      log_id_(merkle::log_id_for(signing.public_key())),
      last_(std::move(last)),
      last_signed_at_(std::chrono::steady_clock::now()) {}

Result<std::optional<merkle::SignedTreeHead>> LogService::sign_head(UnixSeconds now) {
  std::lock_guard lock(mutex_);
  const auto state = store_.log_state();
  if (last_ && state.size == last_->head.tree_size) return std::optional<merkle::SignedTreeHead>();
  if (last_ && state.size < last_->head.tree_size) {
    return fail(ErrorCode::conflict, "the log shrank below its last signed head; no head is signed");
  }
  if (auto extends = check_extends(store_, last_, state.size, state.root); !extends) return fail(extends.error());
  auto head = merkle::sign_tree_head({log_id_, state.size, state.root, now}, signing_);
  if (!head) return fail(head.error());
  CUSTOS_TRY_VOID(transact(store_, TxMode::log, [&](Transaction& tx) { return tx.insert_tree_head(*head); }));
  last_ = *head;
  last_signed_at_ = std::chrono::steady_clock::now();
  return std::optional<merkle::SignedTreeHead>(*head);
}

bool LogService::head_due() const {
  const auto size = store_.log_state().size;
  std::lock_guard lock(mutex_);
  const std::uint64_t signed_size = last_ ? last_->head.tree_size : 0;
  if (size <= signed_size && last_) return false;
  if (size - signed_size >= options_.head_every_entries) return true;
  return std::chrono::steady_clock::now() - last_signed_at_ >= options_.head_every;
}

void LogService::run(const std::function<bool()>& stopping) {
  const auto tick = std::min<std::chrono::milliseconds>(options_.head_every, std::chrono::milliseconds(50));
  while (!stopping()) {
    std::this_thread::sleep_for(tick);
    // A failure is already in the log's own state (nothing signed); the
    // next tick tries again, and metrics and the operator's log show it.
    if (head_due()) (void)sign_head(now_seconds());
  }
  (void)sign_head(now_seconds());
}

Result<void> LogService::audited(const Principal& by, const Origin& origin, Action action, std::string target) {
  return audit_.record(make_audit(origin, &by, action, std::move(target), Outcome::allowed, "ok"));
}

Result<merkle::SignedTreeHead> LogService::latest_head(const Principal& by, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::log_head));
  std::optional<merkle::SignedTreeHead> last;
  {
    std::lock_guard lock(mutex_);
    last = last_;
  }
  if (!last) return fail(ErrorCode::unavailable, "the vault has not signed a tree head yet; try again in a moment");
  CUSTOS_TRY_VOID(audited(by, origin, Action::log_head, "log:" + n(last->head.tree_size)));
  return *last;
}

Result<merkle::InclusionProof> LogService::inclusion(const Principal& by, std::uint64_t seq, std::uint64_t tree_size,
                                                     const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::log_proof));
  if (seq == 0 || seq > tree_size) {
    return fail(ErrorCode::invalid_argument, "entry " + n(seq) + " is not in a log of " + n(tree_size) + " entries");
  }
  if (tree_size > store_.log_state().size) return fail(ErrorCode::not_found, "the log is not that long yet");
  auto proof = transact(store_, TxMode::read, [&](Transaction& tx) {
    TransactionHashSource source(tx);
    return merkle::prove_inclusion(source, seq - 1, tree_size);
  });
  if (!proof) return proof;
  CUSTOS_TRY_VOID(audited(by, origin, Action::log_proof, "log:" + n(seq) + "@" + n(tree_size)));
  return proof;
}

Result<merkle::ConsistencyProof> LogService::consistency(const Principal& by, std::uint64_t old_size,
                                                         std::uint64_t new_size, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::log_proof));
  if (old_size > new_size) return fail(ErrorCode::invalid_argument, "the older size is larger than the newer one");
  if (new_size > store_.log_state().size) return fail(ErrorCode::not_found, "the log is not that long yet");
  auto proof = transact(store_, TxMode::read, [&](Transaction& tx) {
    TransactionHashSource source(tx);
    return merkle::prove_consistency(source, old_size, new_size);
  });
  if (!proof) return proof;
  CUSTOS_TRY_VOID(audited(by, origin, Action::log_proof, "log:" + n(old_size) + ".." + n(new_size)));
  return proof;
}

Result<ExportPlan> LogService::plan_export(const Principal& by, std::optional<UnixSeconds> since,
                                           std::optional<UnixSeconds> until, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::log_entries));
  if (since && until && *since >= *until) return fail(ErrorCode::invalid_argument, "--since must be before --until");
  auto plan = transact(store_, TxMode::read, [&](Transaction& tx) -> Result<ExportPlan> {
    ExportPlan out;
    auto latest = tx.latest_tree_head();
    if (!latest) return fail(latest.error());
    if (!*latest) return fail(ErrorCode::unavailable, "the vault has not signed a tree head yet; try again in a moment");
    const auto signed_size = (*latest)->head.tree_size;
    if (since) {
      auto first = tx.first_audit_at_or_after(*since);
      if (!first) return fail(first.error());
      out.start = *first ? static_cast<std::uint64_t>(**first - 1) : signed_size;
    }
    std::uint64_t wanted = store_.log_state().size;
    if (until) {
      auto last = tx.last_audit_before(*until);
      if (!last) return fail(last.error());
      wanted = *last ? static_cast<std::uint64_t>(**last) : 0;
    }
    if (wanted <= out.start) return fail(ErrorCode::not_found, "the log has no entries in that period");
    if (out.start >= signed_size) {
      return fail(ErrorCode::unavailable, "no signed tree head covers that period yet; try again in a moment");
    }
    auto covering = tx.tree_head_at_or_after(wanted);
    if (!covering) return fail(covering.error());
    out.end = *covering ? (*covering)->head.tree_size : signed_size;
    out.pending = wanted > out.end ? wanted - out.end : 0;
    auto heads = tx.tree_heads(out.start + 1, out.end, options_.max_export_heads);
    if (!heads) return fail(heads.error());
    if (heads->empty() || heads->back().head.tree_size != out.end) {
      return fail(ErrorCode::too_large, "the period holds more signed heads than one export may carry; "
                                        "export shorter periods");
    }
    out.heads = std::move(*heads);
    TransactionHashSource source(tx);
    auto range = merkle::CompactRange::from_source(source, out.start);
    if (!range) return fail(range.error());
    out.start_range = std::move(*range);
    return out;
  });
  if (!plan) return plan;
  CUSTOS_TRY_VOID(audited(by, origin, Action::log_entries, "log:" + n(plan->start + 1) + ".." + n(plan->end)));
  return plan;
}

Result<EntriesPage> LogService::entries(const Principal& by, std::uint64_t start, std::uint64_t end,
                                        const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::log_entries));
  if (start >= end) return fail(ErrorCode::invalid_argument, "start must be below end");
  if (end - start > options_.max_page_entries) {
    return fail(ErrorCode::invalid_argument, "at most " + n(options_.max_page_entries) + " entries per request");
  }
  if (end > store_.log_state().size) return fail(ErrorCode::not_found, "the log is not that long yet");
  auto page = transact(store_, TxMode::read, [&](Transaction& tx) -> Result<EntriesPage> {
    EntriesPage out;
    AuditQuery query;
    query.after_seq = static_cast<Id>(start);
    query.limit = static_cast<int>(end - start);
    auto records = tx.list_audit(query);
    if (!records) return fail(records.error());
    auto hashes = tx.leaf_hashes(start, end - start);
    if (!hashes) return fail(hashes.error());
    if (records->size() != hashes->size()) return fail(ErrorCode::corrupt, "the log and its records disagree");
    out.records = std::move(*records);
    out.leaf_hashes = std::move(*hashes);
    return out;
  });
  if (!page) return page;
  CUSTOS_TRY_VOID(audited(by, origin, Action::log_entries, "log:" + n(start + 1) + ".." + n(end)));
  return page;
}

Result<auditlog::DestructionCertificate> LogService::certificate(std::uint64_t seq) {
  std::optional<merkle::SignedTreeHead> head;
  {
    std::lock_guard lock(mutex_);
    head = last_;
  }
  if (!head || head->head.tree_size < seq) {
    auto signed_now = sign_head(now_seconds());
    if (!signed_now) return fail(signed_now.error());
    std::lock_guard lock(mutex_);
    head = last_;
  }
  if (!head || head->head.tree_size < seq) return fail(ErrorCode::not_found, "the log has no entry " + n(seq));
  return transact(store_, TxMode::read, [&](Transaction& tx) -> Result<auditlog::DestructionCertificate> {
    AuditQuery query;
    query.after_seq = static_cast<Id>(seq - 1);
    query.limit = 1;
    auto records = tx.list_audit(query);
    if (!records) return fail(records.error());
    if (records->empty() || records->front().seq != static_cast<Id>(seq)) {
      return fail(ErrorCode::not_found, "the log has no entry " + n(seq));
    }
    auto entry = to_log_entry(records->front());
    if (entry.action != auditlog::kDestroyAction || !entry.allowed) {
      return fail(ErrorCode::invalid_argument, "entry " + n(seq) + " does not record a destruction");
    }
    TransactionHashSource source(tx);
    auto proof = merkle::prove_inclusion(source, seq - 1, head->head.tree_size);
    if (!proof) return fail(proof.error());
    return auditlog::DestructionCertificate{std::move(entry), *head, std::move(proof->path)};
  });
}

Result<auditlog::DestructionCertificate> LogService::certificate_for(const Principal& by, std::uint64_t seq,
                                                                     const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::log_proof));
  if (seq == 0) return fail(ErrorCode::invalid_argument, "log entries count from 1");
  auto certificate = this->certificate(seq);
  if (!certificate) return certificate;
  CUSTOS_TRY_VOID(audited(by, origin, Action::log_proof, "log:" + n(seq) + "@certificate"));
  return certificate;
}

Result<std::string> LogService::identifier_hash(const Principal& by, std::string_view value, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::audit_hash));
  if (value.empty() || value.size() > 4096) return fail(ErrorCode::invalid_argument, "a value of 1 to 4096 bytes");
  CUSTOS_TRY_VOID(audited(by, origin, Action::audit_hash, "identifier"));
  return identifiers_.hash(value);
}

}  // namespace custos::vault
