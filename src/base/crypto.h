// Hashes, HMACs and encodings over OpenSSL 3, as the API signatures need them.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace liverec {

// Raw digests (binary strings).
std::string HmacSha1(std::string_view key, std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Sha256(std::string_view data);
std::string Md5(std::string_view data);  // for protocols that specify it (ingest auth_key)

std::string HexEncode(std::string_view bytes);  // lower-case
std::string Base64Encode(std::string_view bytes);

// Compares in time independent of where the first difference is.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace liverec
