#include "custos/auditlog/entry.hpp"

#include <gtest/gtest.h>

namespace custos::auditlog {
namespace {

Entry sample() {
  Entry e;
  e.seq = 42;
  e.time = 1795737600;
  e.request_id = "req-7";
  e.actor_id = 3;
  e.actor = "lead";
  e.source = "127.0.0.1";
  e.action = "document.upload";
  e.target = "document:12";
  e.allowed = true;
  e.reason = "ok";
  e.detail = "{\"level\":\"secret\",\"title_hash\":\"hmac-sha256:ab\"}";
  return e;
}

TEST(AuditLeaf, RoundTripsAndStartsWithTheDomain) {
  const auto leaf = encode_leaf(sample());
  ASSERT_TRUE(leaf);
  EXPECT_EQ(as_text(*leaf).substr(0, kLeafDomain.size()), kLeafDomain);
  auto back = decode_leaf(*leaf);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(*back, sample());
}

TEST(AuditLeaf, FixedLayoutIsDocumented) {
  Entry e;
  e.seq = 1;
  e.time = -1;
  e.allowed = false;
  e.action = "a";
  const auto leaf = encode_leaf(e);
  ASSERT_TRUE(leaf);
  // 16 domain + 8 seq + 8 time + 8 actor_id + 1 outcome + 7 × 4 lengths + 1 byte of text.
  ASSERT_EQ(leaf->size(), 16u + 24u + 1u + 28u + 1u);
  EXPECT_EQ((*leaf)[16 + 7], 1);      // seq, big-endian
  EXPECT_EQ((*leaf)[24], 0xFF);       // time −1, two's complement
  EXPECT_EQ((*leaf)[40], 0);          // refused
  EXPECT_EQ((*leaf)[41 + 4 * 3 + 3], 1);  // action's length after request_id, actor, source
}

TEST(AuditLeaf, EveryFieldChangesTheHash) {
  const auto base = entry_leaf_hash(sample());
  ASSERT_TRUE(base);
  std::vector<Entry> changed(11, sample());
  changed[0].seq = 43;
  changed[1].time += 1;
  changed[2].request_id += "x";
  changed[3].actor_id = 0;
  changed[4].actor = "lead2";
  changed[5].source = "127.0.0.2";
  changed[6].action = "document.content";
  changed[7].target = "document:13";
  changed[8].allowed = false;
  changed[9].reason = "permission_denied";
  changed[10].detail = "{}";
  for (const auto& e : changed) EXPECT_NE(*entry_leaf_hash(e), *base);
  // Moving bytes between adjacent fields changes the hash too (length prefixes).
  Entry a = sample(), b = sample();
  a.actor = "le";
  a.source = "ad127.0.0.1";
  b.actor = "lead";
  b.source = "127.0.0.1";
  EXPECT_NE(*entry_leaf_hash(a), *entry_leaf_hash(b));
}

TEST(AuditLeaf, RefusesWhatIsNotCanonical) {
  auto leaf = *encode_leaf(sample());
  EXPECT_EQ(decode_leaf(std::span(leaf).first(leaf.size() - 1)).error().code, ErrorCode::invalid_argument);
  auto longer = leaf;
  longer.push_back(0);
  EXPECT_EQ(decode_leaf(longer).error().code, ErrorCode::invalid_argument);
  auto outcome = leaf;
  outcome[40] = 2;
  EXPECT_EQ(decode_leaf(outcome).error().code, ErrorCode::invalid_argument);
  Entry e = sample();
  e.seq = 0;
  EXPECT_EQ(encode_leaf(e).error().code, ErrorCode::invalid_argument);
  e = sample();
  e.actor = std::string("\xFF", 1);
  EXPECT_EQ(encode_leaf(e).error().code, ErrorCode::invalid_argument);
}

TEST(AuditJsonLine, RoundTripsWithAndWithoutTheLeafHash) {
  Entry e = sample();
  e.reason = "line\nbreak \"quoted\" \\ tab\t \x01 控制";
  const auto hash = *entry_leaf_hash(e);
  const auto line = to_json_line(e, &hash);
  auto parsed = parse_json_line(line);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->entry, e);
  ASSERT_TRUE(parsed->leaf_hash);
  EXPECT_EQ(*parsed->leaf_hash, hash);
  auto plain = parse_json_line(to_json_line(e));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->leaf_hash);
  e.actor_id = 0;
  e.time = -5;
  EXPECT_NE(to_json_line(e).find("\"actor_id\":null"), std::string::npos);
  EXPECT_EQ(parse_json_line(to_json_line(e))->entry, e);
}

TEST(AuditJsonLine, OnlyTheCanonicalTextIsAccepted) {
  const auto line = to_json_line(sample());
  const auto replaced = [&](std::string_view from, std::string_view to) {
    auto text = line;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    return text;
  };
  for (const auto& bad : {
           replaced("{\"seq\"", "{ \"seq\""),                 // whitespace
           replaced("\"seq\":42", "\"seq\":042"),              // leading zero
           replaced("\"actor_id\":3", "\"actor_id\":0"),       // 0 is written null
           replaced("\"lead\"", "\"\\u006cead\""),             // an escape the writer never uses
           replaced("\"outcome\":\"allowed\"", "\"outcome\":\"maybe\""),
           replaced("\"reason\":\"ok\"", "\"reason\":\"ok\",\"reason\":\"ok\""),
           line + " ",
           line.substr(0, line.size() - 1),
           std::string("[]"),
           std::string(),
       }) {
    auto parsed = parse_json_line(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
    }
  }
  // Keys in another order are another text.
  auto swapped = replaced("\"seq\":42,\"time\":1795737600", "\"time\":1795737600,\"seq\":42");
  EXPECT_FALSE(parse_json_line(swapped));
}

}  // namespace
}  // namespace custos::auditlog
