// Printable: makes outside text (RTMP tcUrl, app and stream names, query arguments, peer
// errors) safe to write into a text log line, so a client cannot forge lines, hide them, or send
// escape sequences to the terminal of whoever reads the log. TextLogFormatter applies it to every
// message of the text log; JSON logs escape through AppendJsonString instead.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace liverec {

// `text` with `\n`, `\r`, `\t` written as those two-character escapes, and every other control
// character (C0, DEL, and C1 U+0080..U+009F), and every byte that is not part of well-formed
// UTF-8, written as `\xNN`. Well-formed UTF-8 otherwise, backslashes included, is unchanged.
std::string Printable(std::string_view text);

// Appends Printable(text) to `out`.
void AppendPrintable(std::string& out, std::string_view text);

// The length of the well-formed UTF-8 sequence at text[i] (RFC 3629 §4: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when it is not one. 1 for an ASCII byte.
size_t Utf8SequenceLength(std::string_view text, size_t i);

}  // namespace liverec
