// Percent-encoding as the Alibaba API signs it, and form/query decoding as HTTP sends it.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liverec {

// RFC 3986 "POP" encoding (V1 signatures): UTF-8 bytes; A-Z a-z 0-9 - _ . ~ stay; everything else
// %XX in upper-case hex (space -> %20, '*' -> %2A, '+' -> %2B).
std::string PopEncode(std::string_view text);

// application/x-www-form-urlencoded decoding: '+' is a space, %XX is a byte. A malformed
// escape (%G1, a trailing %) is kept literally, as browsers and Node do.
std::string FormDecode(std::string_view text);

// Splits `a=1&b=2&c` into decoded pairs, in order; `c` yields {"c", ""}. Empty parts are skipped.
std::vector<std::pair<std::string, std::string>> ParseFormPairs(std::string_view text);

}  // namespace liverec
