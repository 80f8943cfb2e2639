// The cloud's URL signing, type A, as a token: the part shared by ingest authentication
// (ingest/ingest_auth.h) and signed bucket URLs (storage/url_token.h).
//   auth_key = "{timestamp}-{rand}-{uid}-{md5hex}"
//   md5hex   = lower-case hex md5("{URI}-{timestamp}-{rand}-{uid}-{PrivateKey}")
// `rand` and `uid` are any text without '-' (often "0"). What the timestamp means (a signing
// time plus a validity, or an expiry) is the caller's rule. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace liverec {

// The four fields of a token, viewing into the parsed text.
struct TypeAToken {
  int64_t timestamp = 0;
  std::string_view rand;
  std::string_view uid;
  std::string_view md5hex;
};

// nullopt unless `auth_key` has exactly four '-'-separated fields, a decimal timestamp and a
// 32-character hash.
std::optional<TypeAToken> ParseTypeAToken(std::string_view auth_key);

// The token signing `uri` with `private_key`.
std::string MakeTypeAToken(std::string_view uri, int64_t timestamp, std::string_view rand,
                           std::string_view uid, std::string_view private_key);

// Whether `token` (parsed from some auth_key) signs `uri` with `private_key`; compares the
// whole auth_key in constant time.
bool TypeATokenSigns(const TypeAToken& token, std::string_view auth_key, std::string_view uri,
                     std::string_view private_key);

}  // namespace liverec
