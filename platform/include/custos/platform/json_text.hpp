// Text that must be valid UTF-8, and JSON strings written by hand (the audit
// log's canonical lines, reports, audit details): one escaping rule for all.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace custos {

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF); otherwise false, with the offset of the first
// bad byte in *bad_at when given.
bool is_valid_utf8(std::string_view bytes, std::size_t* bad_at = nullptr) noexcept;

// True when `text` is fit to show people as one line: well-formed UTF-8 with
// no control characters (U+0000–U+001F, U+007F, U+0080–U+009F), none of
// which a name, title or file name needs and some of which a terminal obeys.
bool is_printable_text(std::string_view text) noexcept;

// `text` with every byte that is not part of a well-formed sequence replaced
// by U+FFFD; valid text comes back unchanged.
std::string to_valid_utf8(std::string_view text);

// The same, and every control character replaced by U+FFFD too: what
// is_printable_text() accepts (e.g. a file's name in a legacy encoding).
std::string to_printable_text(std::string_view text);

// The same with line breaks kept: text a peer sent (a vault's error
// message, which may list a policy's errors line by line), fit for a
// terminal: no escape sequence or other control character reaches it.
std::string to_terminal_text(std::string_view text);

// Appends `text` as a JSON string, quotes included. The escapes are fixed,
// so equal text always gives equal bytes: \" \\ \n \r \t \b \f, \u00xx
// (lower-case hex) for the other control characters, everything else as is;
// bytes of invalid UTF-8 become \ufffd so the output always parses.
void append_json_string(std::string& out, std::string_view text);

// The same without the quotes: the inside of a JSON string.
std::string json_escape(std::string_view text);

}  // namespace custos
