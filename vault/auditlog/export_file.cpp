#include "custos/auditlog/export_file.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "canonical_reader.hpp"
#include "custos/auditlog/entry.hpp"
#include "custos/platform/encoding.hpp"

namespace custos::auditlog {
namespace {

std::string n(std::uint64_t value) { return std::to_string(value); }

}  // namespace

std::string head_to_hex(const merkle::SignedTreeHead& head) { return hex_encode(merkle::encode_signed_tree_head(head)); }

Result<merkle::SignedTreeHead> head_from_hex(std::string_view hex) {
  auto bytes = hex_decode(hex);
  if (!bytes || hex_encode(*bytes) != hex) return fail(ErrorCode::invalid_argument, "a signed head is lower-case hex");
  return merkle::decode_signed_tree_head(*bytes);
}

std::string to_header_line(const ExportHeader& header) {
  std::string out = "{\"format\":\"" + std::string(kExportFormat) + "\",\"log_id\":\"" + hex_encode(header.log_id) +
                    "\",\"start\":" + n(header.start_range.size()) + ",\"start_range\":\"" +
                    hex_encode(header.start_range.encode()) + "\",\"heads\":[";
  for (std::size_t i = 0; i < header.heads.size(); ++i) {
    if (i > 0) out += ',';
    out += '"' + head_to_hex(header.heads[i]) + '"';
  }
  out += "]}";
  return out;
}

Result<ExportHeader> parse_header_line(std::string_view line) {
  CanonicalReader r(line);
  ExportHeader header;
  CUSTOS_TRY_VOID(r.literal("{"));
  CUSTOS_TRY_VOID(r.key("format"));
  auto format = r.string();
  if (!format) return fail(format.error());
  if (*format != kExportFormat) {
    return fail(ErrorCode::invalid_argument, "not a Custos audit export (format \"" + std::string(kExportFormat) + "\")");
  }
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("log_id"));
  auto log_id = r.hash();
  if (!log_id) return fail(log_id.error());
  header.log_id = *log_id;
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("start"));
  auto start = r.unsigned_integer();
  if (!start) return fail(start.error());
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("start_range"));
  auto range_bytes = r.hex_string();
  if (!range_bytes) return fail(range_bytes.error());
  auto range = merkle::CompactRange::decode(*range_bytes);
  if (!range || range->size() != *start) {
    return fail(ErrorCode::invalid_argument, "the export's start_range does not describe its first " + n(*start) +
                                                 " entries");
  }
  header.start_range = std::move(*range);
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("heads"));
  CUSTOS_TRY_VOID(r.literal("["));
  while (!r.peek(']')) {
    if (!header.heads.empty()) CUSTOS_TRY_VOID(r.literal(","));
    auto text = r.string();
    if (!text) return fail(text.error());
    auto head = head_from_hex(*text);
    if (!head) {
      return fail(ErrorCode::invalid_argument, "head " + n(header.heads.size()) + ": " + head.error().message);
    }
    header.heads.push_back(*head);
  }
  CUSTOS_TRY_VOID(r.literal("]}"));
  CUSTOS_TRY_VOID(r.end());
  return header;
}

Result<ExportFileVerifier> ExportFileVerifier::begin(std::string_view header_line, const PublicKey& key,
                                                     std::span<const merkle::SignedTreeHead> extra_heads) {
  auto header = parse_header_line(header_line);
  if (!header) return fail(header.error());
  if (header->log_id != merkle::log_id_for(key)) {
    return fail(ErrorCode::crypto, "the export is of another log than the one this public key signs");
  }
  if (header->heads.empty()) return fail(ErrorCode::invalid_argument, "the export carries no signed head");
  const std::size_t own = header->heads.size();
  const auto largest = std::max_element(header->heads.begin(), header->heads.end(),
                                        [](const auto& a, const auto& b) { return a.head.tree_size < b.head.tree_size; });
  std::vector<merkle::SignedTreeHead> heads = header->heads;
  // A trusted head is checked when the export reaches it; one past the
  // export's end says nothing about this file (an export of an earlier period).
  for (const auto& extra : extra_heads) {
    if (extra.head.tree_size <= largest->head.tree_size) heads.push_back(extra);
  }
  std::vector<merkle::TreeHead> plain;
  plain.reserve(heads.size());
  for (std::size_t i = 0; i < heads.size(); ++i) {
    if (auto verified = merkle::verify_tree_head(heads[i], key); !verified) {
      return fail(ErrorCode::crypto, i < own ? "head " + n(i) + " of the export: its signature does not verify"
                                             : std::string("the saved head's signature does not verify"));
    }
    if (heads[i].head.log_id != header->log_id) {
      return fail(ErrorCode::conflict, i < own ? "head " + n(i) + " of the export belongs to another log"
                                               : std::string("the saved head belongs to another log"));
    }
    plain.push_back(heads[i].head);
  }
  const auto start = header->start_range.size();
  return ExportFileVerifier(merkle::ExportVerifier(plain, std::move(header->start_range)), start, *largest, own);
}

ExportFileVerifier::ReadLine ExportFileVerifier::read_line(std::string_view line, Bytes& leaf) {
  ReadLine out;
  out.read = read_line_as_leaf(line, leaf, out.seq, out.recorded);
  if (out.read) out.leaf = merkle::leaf_hash(leaf);
  return out;
}

bool ExportFileVerifier::take(ReadLine& line) {
  if (line_error_ || verifier_.failed()) return false;
  const std::uint64_t expected = start_ + lines_ + 1;
  ++lines_;
  if (!line.read) {
    line_error_ = Error{ErrorCode::corrupt, "entry " + n(expected) + " (line " + n(lines_ + 1) +
                                                ") is not a canonical entry line: " + line.read.error().message};
    line_error_seq_ = expected;
    return false;
  }
  if (line.seq != expected) {
    line_error_ = Error{ErrorCode::corrupt, "line " + n(lines_ + 1) + " holds entry " + n(line.seq) +
                                                " where entry " + n(expected) +
                                                " belongs: an entry was dropped, duplicated or moved"};
    line_error_seq_ = expected;
    return false;
  }
  if (line.recorded) {
    verifier_.add_leaf_hash(line.leaf, *line.recorded);
  } else {
    verifier_.add_leaf_hash(line.leaf);
  }
  return !verifier_.failed();
}

bool ExportFileVerifier::add_line(std::string_view line) {
  if (line_error_ || verifier_.failed()) return false;
  auto read = read_line(line, leaf_);
  return take(read);
}

bool ExportFileVerifier::add_lines(std::span<const std::string> lines, unsigned threads) {
  if (line_error_ || verifier_.failed()) return false;
  // The batch is cut into chunks. Every thread takes the next unread chunk
  // and reads it (checks its lines and hashes their leaves); this thread
  // also feeds the tree, in order, with each chunk as soon as it is read,
  // and reads chunks itself while the next one in order is not ready, so
  // no core waits while there is work.
  constexpr std::size_t kChunk = 256;
  const std::size_t chunks = (lines.size() + kChunk - 1) / kChunk;
  auto& read = read_ahead_;
  read.resize(lines.size());
  std::vector<std::atomic<bool>> ready(chunks);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto read_one = [&](Bytes& leaf) {
    const std::size_t chunk = next.fetch_add(1, std::memory_order_relaxed);
    if (chunk >= chunks) return false;
    const std::size_t end = std::min(lines.size(), (chunk + 1) * kChunk);
    for (std::size_t i = chunk * kChunk; i < end; ++i) read[i] = read_line(lines[i], leaf);
    ready[chunk].store(true, std::memory_order_release);
    return true;
  };
  const std::size_t helpers_wanted = std::clamp<std::size_t>(threads, 1, 16) - 1;
  std::vector<Bytes> buffers(helpers_wanted);
  // std::thread, joined below on every path (libc++ of the fuzzing build
  // keeps std::jthread behind -fexperimental-library).
  std::vector<std::thread> helpers;
  for (std::size_t h = 0; h < helpers_wanted && h + 1 < chunks; ++h) {
    helpers.emplace_back([&, h] {
      while (!stop.load(std::memory_order_relaxed) && read_one(buffers[h])) {
      }
    });
  }
  bool going = true;
  for (std::size_t taken = 0; taken < chunks && going;) {
    if (!ready[taken].load(std::memory_order_acquire)) {
      if (!read_one(leaf_)) std::this_thread::yield();  // the chunk is being read by a helper
      continue;
    }
    const std::size_t end = std::min(lines.size(), (taken + 1) * kChunk);
    for (std::size_t i = taken * kChunk; i < end && going; ++i) going = take(read[i]);
    ++taken;
  }
  stop.store(true, std::memory_order_relaxed);
  for (auto& helper : helpers) helper.join();
  return going;
}


ExportVerdict ExportFileVerifier::finish() const {
  const auto report = verifier_.finish();
  ExportVerdict verdict;
  verdict.start = start_;
  verdict.end = start_ + lines_;
  verdict.verified_through = report.verified_through;
  verdict.heads_checked = report.heads_checked;
  verdict.last_head = last_head_;
  if (line_error_) {
    verdict.error = line_error_;
    verdict.bad_seq = line_error_seq_;
    return verdict;
  }
  if (report.finding) {
    const auto& finding = *report.finding;
    std::string message = finding.error.message;
    const std::string against =
        finding.head ? (*finding.head < own_heads_ ? " (head " + n(*finding.head) + " of the export)"
                                                   : std::string(" (the head saved earlier)"))
                     : std::string();
    if (finding.first_bad_entry) {
      // The tree counts entries from 0; people count seq from 1.
      verdict.bad_seq = *finding.first_bad_entry + 1;
      const auto end = finding.suspect_end.value_or(*finding.first_bad_entry + 1);
      if (end > *finding.first_bad_entry + 1) {
        verdict.bad_seq_end = end + 1;
        message = "one of entries " + n(*verdict.bad_seq) + " to " + n(end) +
                  " was changed, dropped, added or moved" + against;
      } else if (finding.head) {
        message = "entry " + n(*verdict.bad_seq) + " was changed: it no longer matches the signed head" + against;
      } else {
        message = "the leaf hash recorded for entry " + n(*verdict.bad_seq) +
                  " was changed (the entry itself matches the signed head)";
      }
    } else {
      message += against;
    }
    if (finding.head) verdict.bad_head = *finding.head;
    verdict.error = Error{finding.error.code, std::move(message)};
    return verdict;
  }
  if (lines_ == 0) {
    verdict.error = Error{ErrorCode::invalid_argument, "the export holds no entries"};
  } else if (report.verified_through < verdict.end) {
    verdict.bad_seq = report.verified_through + 1;
    verdict.error = Error{ErrorCode::corrupt, "entries from " + n(report.verified_through + 1) +
                                                  " on are covered by no signed head in the export"};
  }
  return verdict;
}

}  // namespace custos::auditlog
