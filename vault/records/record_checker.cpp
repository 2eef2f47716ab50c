// RecordChecker: the per-row rules of each template. The rules themselves
// are documented in checker.hpp and docs/records.md; this file explains only
// the choices the issue leaves open.
#include <string>

#include "custos/records/checker.hpp"
#include "custos/records/contact_validators.hpp"
#include "custos/records/id_number.hpp"
#include "text_util.hpp"

namespace custos::records {
namespace {

enum class Role : std::uint8_t { policyholder, insured, empty, unreadable };

Role parse_role(std::string_view v) noexcept {
  if (v.empty()) return Role::empty;
  if (equals_ascii_nocase(v, "policyholder") || v == "投保人") return Role::policyholder;
  if (equals_ascii_nocase(v, "insured") || v == "被保险人" || v == "被保人") return Role::insured;
  return Role::unreadable;
}

std::optional<Gender> parse_gender(std::string_view v) noexcept {
  if (v == "男" || v == "M" || v == "m") return Gender::male;
  if (v == "女" || v == "F" || v == "f") return Gender::female;
  return std::nullopt;
}

// An empty id_type means the resident ID card, the overwhelmingly common
// case; other documents (passport, 港澳通行证 …) are checked for presence
// only, since GB 11643 does not apply to them.
bool is_resident_id_type(std::string_view t) noexcept {
  return t.empty() || t == "身份证" || t == "居民身份证" || equals_ascii_nocase(t, "resident_id") ||
         equals_ascii_nocase(t, "id_card");
}

// A user-supplied value quoted in a message, cut to 24 characters at a
// character boundary so a runaway cell cannot flood the report.
std::string quoted(std::string_view v) {
  std::size_t bytes = 0, chars = 0;
  while (bytes < v.size() && chars < 24) {
    ++bytes;
    while (bytes < v.size() && (static_cast<unsigned char>(v[bytes]) & 0xC0) == 0x80) ++bytes;
    ++chars;
  }
  std::string out = "'" + std::string(v.substr(0, bytes));
  return out + (bytes < v.size() ? "…'" : "'");
}

const char* gender_word(Gender g) noexcept { return g == Gender::male ? "male" : "female"; }

// Messages name the broken rule and the fix, never the full number.
std::string id_message(FindingCode code, std::string_view text, Date today) {
  switch (code) {
    case FindingCode::id_format:
      if (text.size() == 18 || text.size() == 15) {
        return "ID number contains a character that is not allowed; it must be 17 digits then a digit or "
               "X, or 15 digits";
      }
      return "ID number has " + std::to_string(count_code_points(text)) +
             " characters; it must have 18 (17 digits then a digit or X) or 15 (legacy) digits";
    case FindingCode::id_region:
      return "ID number starts with " + std::string(text.substr(0, 2)) +
             ", which is not a province code (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81-83)";
    case FindingCode::id_birth_date: {
      const std::string digits =
          text.size() == 15 ? "19" + std::string(text.substr(6, 6)) : std::string(text.substr(6, 8));
      const std::string date = digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
      if (auto real = try_parse_date(date); real && today < *real) {
        return "ID number's birth date " + date + " is in the future";
      }
      return "ID number's birth date " + date + " is not a real calendar date";
    }
    case FindingCode::id_checksum: {
      const char given = text[17] == 'x' ? 'X' : text[17];
      return std::string("ID number's check character is ") + given + ", but MOD 11-2 over its first 17 digits gives " +
             id_check_character(text.substr(0, 17)) + "; a digit is probably mistyped";
    }
    default:
      return std::string(to_string(code));
  }
}

// The cells of one row, looked up by field, and where its findings go.
class Row {
 public:
  Row(const HeaderMap& header, std::span<const std::string_view> cells, std::uint64_t row, std::uint64_t line,
      std::vector<Finding>& out)
      : header_(header), cells_(cells), row_(row), line_(line), out_(out) {}

  std::string_view get(Field f) const noexcept {
    const auto column = header_.column(f);
    if (!column || *column >= cells_.size()) return {};
    return trim(cells_[*column]);
  }

  void add(Field f, FindingCode code, std::string message) {
    out_.push_back(Finding{row_, line_, std::string(header_.name(f)), code, std::move(message)});
  }

  // missing_field when `f` is empty; returns its value.
  std::string_view require(Field f, std::string_view whose) {
    const std::string_view v = get(f);
    if (v.empty()) add(f, FindingCode::missing_field, std::string(header_.name(f)) + " is empty; it is a key field " + std::string(whose));
    return v;
  }

  void check_phone(Field f) {
    const std::string_view v = get(f);
    if (!v.empty() && !check_mobile_phone(v)) {
      add(f, FindingCode::phone_format, std::string(header_.name(f)) +
                                            " is not a mobile number: it must be 11 digits starting 13-19");
    }
  }

  void check_bank(Field f) {
    const std::string_view v = get(f);
    if (!v.empty() && !check_bank_card(v)) {
      add(f, FindingCode::bank_card_luhn,
          std::string(header_.name(f)) + " is not a valid card number: it must be 12-19 digits passing the Luhn check");
    }
  }

  // Validates the ID in `f` when it is a resident ID; returns it when valid.
  // `customer` receives the key of whoever the row is about (0: unknown).
  std::optional<IdNumber> check_id(Field f, std::string_view id_type, Date today, std::uint64_t& customer) {
    const std::string_view v = get(f);
    customer = 0;
    if (v.empty()) return std::nullopt;
    if (!is_resident_id_type(id_type)) {
      customer = customer_key_for_text(id_type, v);
      return std::nullopt;
    }
    auto id = IdNumber::parse(v, today);
    if (!id) {
      add(f, id.error(), id_message(id.error(), v, today));
      customer = customer_key_for_text("", v);
      return std::nullopt;
    }
    customer = id->key();
    return *id;
  }

  std::uint64_t row() const noexcept { return row_; }

 private:
  const HeaderMap& header_;
  std::span<const std::string_view> cells_;
  std::uint64_t row_;
  std::uint64_t line_;
  std::vector<Finding>& out_;
};

void check_insurance(Row& r, Date today, RowKeys& keys) {
  const std::string_view role_text = r.get(Field::role);
  const Role role = parse_role(role_text);
  if (role == Role::empty) {
    r.add(Field::role, FindingCode::missing_field, "role is empty; write policyholder or insured (投保人 or 被保险人)");
  } else if (role == Role::unreadable) {
    r.add(Field::role, FindingCode::missing_field,
          "role " + quoted(role_text) + " is neither policyholder nor insured (投保人 or 被保险人)");
  }
  // A row whose role cannot be read gets the stricter policyholder rules.
  const bool insured = role == Role::insured;
  const std::string_view whose = insured ? "of an insured person" : "of a policyholder";

  r.require(Field::name, whose);

  std::optional<Gender> gender;
  if (const auto v = r.require(Field::gender, whose); !v.empty()) {
    gender = parse_gender(v);
    if (!gender) r.add(Field::gender, FindingCode::missing_field, "gender " + quoted(v) + " is not 男, 女, M or F");
  }

  std::optional<Date> birth;
  if (const auto v = r.require(Field::birth_date, whose); !v.empty()) {
    birth = try_parse_date(v);
    if (!birth) {
      r.add(Field::birth_date, FindingCode::missing_field, "birth_date " + quoted(v) + " is not a real date written YYYY-MM-DD");
    } else if (today < *birth) {
      r.add(Field::birth_date, FindingCode::missing_field, "birth_date " + birth->to_string() + " is in the future");
      birth.reset();
    }
  }

  // An insured minor may have no ID number; age needs a readable birth date,
  // so an unreadable one is treated as an adult's (ID required).
  const bool minor = insured && birth && birth->years_until(today) < 18;
  std::uint64_t customer = 0;
  std::optional<IdNumber> id;
  if (r.get(Field::id_number).empty()) {
    if (!minor) r.require(Field::id_number, insured ? "of an insured person aged 18 or over" : whose);
  } else {
    id = r.check_id(Field::id_number, r.get(Field::id_type), today, customer);
  }
  if (id) {
    if (gender && *gender != id->gender()) {
      r.add(Field::gender, FindingCode::gender_mismatch,
            std::string("gender says ") + gender_word(*gender) + " but the ID number's 17th digit says " +
                gender_word(id->gender()));
    }
    if (birth && *birth != id->birth_date()) {
      r.add(Field::birth_date, FindingCode::birth_date_mismatch,
            "birth_date " + birth->to_string() + " differs from the ID number's " + id->birth_date().to_string());
    }
  }

  if (!insured) {
    r.require(Field::address, whose);
    r.require(Field::phone, whose);
  }
  r.check_phone(Field::phone);
  r.check_bank(Field::bank_account);

  // Without an ID number the customer is unknown; such a row cannot show
  // that two *different* customers share a value, so it is not indexed
  // (its missing ID is a finding of its own where the ID is required).
  keys.customer = customer;
  if (customer != 0) {
    keys.add(SuspicionKind::shared_phone, r.get(Field::phone));
    keys.add(SuspicionKind::shared_bank_account, r.get(Field::bank_account));
  }
}

void check_property_owner(Row& r, Date today, RowKeys& keys) {
  constexpr std::string_view whose = "of a property owner";
  r.require(Field::name, whose);
  r.require(Field::id_number, whose);
  r.require(Field::phone, whose);
  r.require(Field::address, whose);
  r.require(Field::unit, whose);
  std::uint64_t customer = 0;
  (void)r.check_id(Field::id_number, "", today, customer);
  r.check_phone(Field::phone);
  keys.customer = customer;
  if (customer != 0) keys.add(SuspicionKind::shared_phone, r.get(Field::phone));
}

void check_courier(Row& r, Date today, RowKeys& keys) {
  // Real-name posting (实名收寄) identifies the sender; the receiver has no
  // ID number, so only the sender is a customer for the suspicious list.
  constexpr std::string_view whose = "of a waybill";
  for (const Field f : {Field::waybill_no, Field::sender_name, Field::sender_id_number, Field::sender_phone,
                        Field::receiver_name, Field::receiver_address, Field::receiver_phone}) {
    r.require(f, whose);
  }
  std::uint64_t customer = 0;
  (void)r.check_id(Field::sender_id_number, "", today, customer);
  r.check_phone(Field::sender_phone);
  r.check_phone(Field::receiver_phone);
  keys.customer = customer;
  if (customer != 0) keys.add(SuspicionKind::shared_phone, r.get(Field::sender_phone));
}

}  // namespace

Result<RecordChecker> RecordChecker::create(TemplateKind kind, std::span<const std::string_view> header, Date today) {
  auto map = HeaderMap::build(kind, header);
  if (!map) return fail(std::move(map).error());
  return RecordChecker(std::move(*map), today);
}

void RecordChecker::check_row(std::uint64_t row, std::uint64_t line, std::span<const std::string_view> cells,
                              std::vector<Finding>& out) {
  Row r(header_, cells, row, line, out);
  keys_.clear();
  switch (header_.kind()) {
    case TemplateKind::insurance: check_insurance(r, today_, keys_); break;
    case TemplateKind::property_owner: check_property_owner(r, today_, keys_); break;
    case TemplateKind::courier: check_courier(r, today_, keys_); break;
  }
  for (std::size_t i = 0; i < keys_.count; ++i) {
    index_.add(keys_.values[i].kind, keys_.values[i].value, keys_.customer, row);
  }
}

}  // namespace custos::records
