#include "custos/records/templates.hpp"

#include <array>

#include "text_util.hpp"

namespace custos::records {
namespace {

using sv = std::string_view;

// Aliases: the headings Chinese exports actually use (客户信息 templates of
// insurers, property managers and couriers), then English variants.
constexpr sv kPolicyNo[] = {"保单号", "保单号码", "policy_number"};
constexpr sv kRole[] = {"角色", "客户角色", "人员类型"};
constexpr sv kName[] = {"姓名", "客户姓名", "投保人姓名", "被保险人姓名", "被保人姓名"};
constexpr sv kGender[] = {"性别", "sex"};
constexpr sv kBirthDate[] = {"出生日期", "出生年月日", "生日", "birthday", "date_of_birth"};
constexpr sv kIdType[] = {"证件类型"};
constexpr sv kIdNumber[] = {"证件号码", "证件号", "身份证号", "身份证号码", "id_no"};
constexpr sv kPhone[] = {"联系电话", "电话", "手机", "手机号", "手机号码", "mobile"};
constexpr sv kAddress[] = {"地址", "联系地址", "通讯地址", "住址"};
constexpr sv kBankAccount[] = {"银行账号", "银行帐号", "银行卡号", "账号", "bank_card"};
constexpr sv kAgentCode[] = {"业务员代码", "代理人代码", "业务员工号", "渠道代码"};
constexpr sv kEmployer[] = {"工作单位", "单位名称", "雇主", "employer_name", "work_unit"};

constexpr sv kOwnerName[] = {"业主姓名", "业主", "姓名", "name"};
constexpr sv kOwnerAddress[] = {"地址", "房屋地址", "房产地址", "联系地址", "住址"};
constexpr sv kUnit[] = {"房号", "单元", "单元号", "房屋单元", "楼栋房号"};
constexpr sv kDeliveryDate[] = {"交付日期", "交房日期"};

constexpr sv kWaybill[] = {"运单号", "运单号码", "快递单号"};
constexpr sv kTime[] = {"时间", "寄件时间", "收寄时间"};
constexpr sv kSenderName[] = {"寄件人姓名", "寄件人"};
constexpr sv kSenderAddress[] = {"寄件人地址", "寄件地址"};
constexpr sv kSenderId[] = {"寄件人证件号码", "寄件人身份证号", "证件号码", "身份证号", "id_number"};
constexpr sv kSenderPhone[] = {"寄件人电话", "寄件人联系电话", "寄件人手机"};
constexpr sv kReceiverName[] = {"收件人姓名", "收件人"};
constexpr sv kReceiverAddress[] = {"收件人地址", "收件地址"};
constexpr sv kReceiverPhone[] = {"收件人电话", "收件人联系电话", "收件人手机"};
constexpr sv kCompany[] = {"快递公司", "寄递公司", "公司"};
constexpr sv kItems[] = {"物品", "物品名称", "物品信息", "内件品名"};

constexpr ColumnSpec kInsurance[] = {
    {Field::policy_no, "policy_no", true, kPolicyNo},
    {Field::role, "role", true, kRole},
    {Field::name, "name", true, kName},
    {Field::gender, "gender", true, kGender},
    {Field::birth_date, "birth_date", true, kBirthDate},
    {Field::id_type, "id_type", false, kIdType},
    {Field::id_number, "id_number", true, kIdNumber},
    {Field::phone, "phone", true, kPhone},
    {Field::address, "address", true, kAddress},
    {Field::bank_account, "bank_account", false, kBankAccount},
    {Field::agent_code, "agent_code", true, kAgentCode},
    {Field::employer, "employer", false, kEmployer},
};

constexpr ColumnSpec kPropertyOwner[] = {
    {Field::name, "owner_name", true, kOwnerName},
    {Field::id_number, "id_number", true, kIdNumber},
    {Field::phone, "phone", true, kPhone},
    {Field::address, "address", true, kOwnerAddress},
    {Field::unit, "unit", true, kUnit},
    {Field::delivery_date, "delivery_date", true, kDeliveryDate},
};

constexpr ColumnSpec kCourier[] = {
    {Field::waybill_no, "waybill_no", true, kWaybill},
    {Field::time, "time", true, kTime},
    {Field::sender_name, "sender_name", true, kSenderName},
    {Field::sender_address, "sender_address", true, kSenderAddress},
    {Field::sender_id_number, "sender_id_number", true, kSenderId},
    {Field::sender_phone, "sender_phone", true, kSenderPhone},
    {Field::receiver_name, "receiver_name", true, kReceiverName},
    {Field::receiver_address, "receiver_address", true, kReceiverAddress},
    {Field::receiver_phone, "receiver_phone", true, kReceiverPhone},
    {Field::company, "company", true, kCompany},
    {Field::items, "items", true, kItems},
};

bool heading_matches(const ColumnSpec& spec, std::string_view normalized) {
  if (normalized == spec.name) return true;
  for (const auto alias : spec.aliases) {
    if (normalized == alias) return true;
  }
  return false;
}

std::string describe_column(const ColumnSpec& spec) {
  std::string text(spec.name);
  if (spec.aliases.empty()) return text;
  text += " (or";
  for (std::size_t i = 0; i < spec.aliases.size(); ++i) {
    text += i == 0 ? " " : ", ";
    text += spec.aliases[i];
  }
  return text + ")";
}

}  // namespace

Result<TemplateKind> parse_template(std::string_view name) {
  if (name == "insurance") return TemplateKind::insurance;
  if (name == "property_owner") return TemplateKind::property_owner;
  if (name == "courier") return TemplateKind::courier;
  return fail(ErrorCode::invalid_argument, "unknown template '" + std::string(name.substr(0, 40)) +
                                               "'; use insurance, property_owner or courier");
}

std::string_view to_string(TemplateKind kind) noexcept {
  switch (kind) {
    case TemplateKind::insurance: return "insurance";
    case TemplateKind::property_owner: return "property_owner";
    case TemplateKind::courier: return "courier";
  }
  return "unknown";
}

std::span<const ColumnSpec> columns_of(TemplateKind kind) noexcept {
  switch (kind) {
    case TemplateKind::insurance: return kInsurance;
    case TemplateKind::property_owner: return kPropertyOwner;
    case TemplateKind::courier: return kCourier;
  }
  return {};
}

std::string normalize_heading(std::string_view heading) {
  std::string out(trim(heading));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ' || c == '-') c = '_';
  }
  return out;
}

Result<HeaderMap> HeaderMap::build(TemplateKind kind, std::span<const std::string_view> headings) {
  HeaderMap map;
  map.kind_ = kind;
  for (auto& column : map.columns_) column = kAbsent;
  const auto specs = columns_of(kind);
  for (const auto& spec : specs) map.names_[static_cast<std::size_t>(spec.field)] = spec.name;

  for (std::size_t i = 0; i < headings.size(); ++i) {
    const std::string normalized = normalize_heading(headings[i]);
    const ColumnSpec* match = nullptr;
    for (const auto& spec : specs) {
      if (heading_matches(spec, normalized)) {
        match = &spec;
        break;
      }
    }
    if (match == nullptr) {
      // An empty heading (a trailing comma in the header) is not worth listing.
      if (!normalized.empty()) map.ignored_.emplace_back(trim(headings[i]));
      continue;
    }
    auto& slot = map.columns_[static_cast<std::size_t>(match->field)];
    if (slot != kAbsent) {
      return fail(ErrorCode::invalid_argument,
                  "header: columns " + std::to_string(slot + 1) + " and " + std::to_string(i + 1) +
                      " both mean " + std::string(match->name) + "; keep one of them");
    }
    slot = static_cast<std::uint32_t>(i);
  }

  std::string missing;
  for (const auto& spec : specs) {
    if (!spec.required_heading || map.columns_[static_cast<std::size_t>(spec.field)] != kAbsent) continue;
    missing += missing.empty() ? "" : "; ";
    missing += describe_column(spec);
  }
  if (!missing.empty()) {
    return fail(ErrorCode::invalid_argument, "header: the " + std::string(to_string(kind)) +
                                                 " template needs these columns, which the first line "
                                                 "lacks: " + missing);
  }
  return map;
}

std::string_view HeaderMap::name(Field field) const noexcept { return names_[static_cast<std::size_t>(field)]; }

}  // namespace custos::records
