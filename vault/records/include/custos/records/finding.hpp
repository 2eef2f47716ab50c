// Findings: what a record check says about one field of one data row.
//
// A finding is not an `Error`: the file was read and understood, and the
// record in it breaks a rule. Findings are data that the report lists and
// the vault keeps with a problem case (问题件); an `Error` means the check
// itself could not be done (unreadable file, bad header, malformed CSV).
// Validators therefore return `std::expected<T, FindingCode>`, so a caller
// branches on the same closed set of codes that the JSON report carries.
//
// Thread-safety: plain values and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace custos::records {

// The closed set of finding codes. The wire form (`to_string`) is stable API:
// it is the "code" of the JSON report and of stored problem cases.
enum class FindingCode : std::uint8_t {
  missing_field,        // a key field of the template and role is empty or unreadable
  id_format,            // not 18 characters (17 digits + digit/X) nor 15 digits
  id_region,            // the first two digits are not a known province code
  id_birth_date,        // the embedded birth date is not a real date, or is in the future
  id_checksum,          // the ISO 7064 MOD 11-2 check character does not match
  gender_mismatch,      // the ID number's gender digit disagrees with the gender field
  birth_date_mismatch,  // the ID number's birth date disagrees with the birth_date field
  phone_format,         // not an 11-digit mainland mobile number 1[3-9]xxxxxxxxx
  bank_card_luhn,       // not 12–19 digits, or the Luhn check digit is wrong
};

std::string_view to_string(FindingCode code) noexcept;

// One finding of a report. `row` counts data rows from 1 (the header is not
// a row); `line` is the physical line of the file where that row starts (it
// differs from row + 1 when fields span lines or blank lines are skipped).
// `field` is the template's canonical column name ("id_number"), whatever
// heading the file used. `message` is one line for people; it never carries
// a full ID number, phone or card number (masked forms at most).
struct Finding {
  std::uint64_t row = 0;
  std::uint64_t line = 0;
  std::string field;
  FindingCode code = FindingCode::missing_field;
  std::string message;
};

}  // namespace custos::records
