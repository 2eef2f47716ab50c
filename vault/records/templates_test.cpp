#include "custos/records/templates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace custos::records {
namespace {

TEST(Templates, ParsesKnownNames) {
  EXPECT_EQ(*parse_template("insurance"), TemplateKind::insurance);
  EXPECT_EQ(*parse_template("property_owner"), TemplateKind::property_owner);
  EXPECT_EQ(*parse_template("courier"), TemplateKind::courier);
  const auto unknown = parse_template("bank");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(unknown.error().message.find("insurance, property_owner or courier"), std::string::npos);
}

TEST(Templates, NormalisesHeadings) {
  EXPECT_EQ(normalize_heading("  Policy No "), "policy_no");
  EXPECT_EQ(normalize_heading("Birth-Date"), "birth_date");
  EXPECT_EQ(normalize_heading("\xE3\x80\x80证件号码\t"), "证件号码");
}

TEST(HeaderMap, MapsChineseAliases) {
  const std::vector<std::string_view> header = {"保单号", "角色", "投保人姓名", "性别", "出生日期", "证件类型",
                                                "证件号码", "联系电话", "地址", "银行账号", "业务员代码", "备注"};
  const auto map = HeaderMap::build(TemplateKind::insurance, header);
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map->column(Field::name), 2U);
  EXPECT_EQ(map->column(Field::id_number), 6U);
  EXPECT_EQ(map->column(Field::phone), 7U);
  EXPECT_EQ(map->column(Field::agent_code), 10U);
  EXPECT_EQ(map->name(Field::id_number), "id_number");
  ASSERT_EQ(map->ignored().size(), 1U);
  EXPECT_EQ(map->ignored()[0], "备注");
}

TEST(HeaderMap, OptionalColumnsMayBeAbsent) {
  const std::vector<std::string_view> header = {"policy_no", "role",  "name",    "gender",    "birth_date",
                                                "id_number", "phone", "address", "agent_code"};
  const auto map = HeaderMap::build(TemplateKind::insurance, header);
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_FALSE(map->column(Field::bank_account));
  EXPECT_FALSE(map->column(Field::id_type));
}

TEST(HeaderMap, NamesEveryMissingColumn) {
  const std::vector<std::string_view> header = {"policy_no", "role", "name", "gender", "birth_date", "address",
                                                "agent_code"};
  const auto map = HeaderMap::build(TemplateKind::insurance, header);
  ASSERT_FALSE(map);
  EXPECT_EQ(map.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(map.error().message.find("id_number (or 证件号码"), std::string::npos) << map.error().message;
  EXPECT_NE(map.error().message.find("phone (or 联系电话"), std::string::npos) << map.error().message;
}

TEST(HeaderMap, RejectsTwoHeadingsForOneColumn) {
  const std::vector<std::string_view> header = {"owner_name", "id_number", "phone", "address",
                                                "unit",       "交付日期",  "业主姓名"};
  const auto map = HeaderMap::build(TemplateKind::property_owner, header);
  ASSERT_FALSE(map);
  EXPECT_NE(map.error().message.find("columns 1 and 7 both mean owner_name"), std::string::npos)
      << map.error().message;
}

TEST(HeaderMap, EveryTemplateAcceptsItsCanonicalNames) {
  for (const auto kind : {TemplateKind::insurance, TemplateKind::property_owner, TemplateKind::courier}) {
    std::vector<std::string_view> header;
    for (const auto& spec : columns_of(kind)) header.push_back(spec.name);
    EXPECT_TRUE(HeaderMap::build(kind, header)) << to_string(kind);
  }
}

TEST(HeaderMap, NoAliasIsAmbiguousWithinATemplate) {
  for (const auto kind : {TemplateKind::insurance, TemplateKind::property_owner, TemplateKind::courier}) {
    std::vector<std::string> all;
    for (const auto& spec : columns_of(kind)) {
      all.emplace_back(spec.name);
      for (const auto alias : spec.aliases) all.push_back(normalize_heading(alias));
    }
    std::sort(all.begin(), all.end());
    EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << to_string(kind);
  }
}

}  // namespace
}  // namespace custos::records
