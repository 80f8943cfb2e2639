// Tokens of signed bucket URLs (docs/object-keys.md, "Private buckets and signed URLs"): the
// cloud's type-A scheme (base/type_a_token.h) over the URL path of an object of a private bucket,
// with each bucket's own key.
//
//   object:  /<bucket>/<key>?auth_key={expires}-{rand}-{uid}-{md5}
//            md5 = md5("/<bucket>/<key>-{expires}-{rand}-{uid}-{bucket's url key}")
//   prefix:  /<bucket>/<key>?auth_prefix=<encoded prefix>&auth_key=...
//            md5 over "{prefix}*" instead of the path; valid for every path starting with prefix
//
// - The path is signed percent-decoded (as the server resolves it), so every encoding of the
//   same key carries the same token; the query is not signed.
// - The timestamp is the expiry (Unix seconds): valid while now <= timestamp. (The ingest
//   scheme's timestamp is a signing time plus a configured validity; a URL's lifetime varies
//   per URL, so it is written into the URL itself.)
// - The '*' keeps a prefix token from passing as the object token of the same text, and back.
// - The bucket's key signs: a token of one bucket fails in every other bucket, and a changed
//   path, prefix, expiry or field fails the hash.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace liverec::storage {

inline constexpr std::string_view kAuthKeyParam = "auth_key";
inline constexpr std::string_view kAuthPrefixParam = "auth_prefix";

// The query (without '?') making `path` readable until `expires_s` with `url_key`.
std::string ObjectTokenQuery(std::string_view path, int64_t expires_s, std::string_view rand,
                             std::string_view url_key);
// The query making every path that starts with `prefix` readable until `expires_s`.
std::string PrefixTokenQuery(std::string_view prefix, int64_t expires_s, std::string_view rand,
                             std::string_view url_key);

enum class UrlTokenCheck {
  kValid,
  kMissing,         // no auth_key
  kMalformed,       // not a type-A token, or auth_key/auth_prefix given twice
  kExpired,         // now > its expiry
  kWrongSignature,  // another path, prefix, bucket or key; any field changed
  kOutsidePrefix,   // a prefix token for paths that do not include this one
};

// For logs and metrics: "valid", "missing", "malformed", "expired", "wrong_signature",
// "outside_prefix".
std::string_view UrlTokenCheckName(UrlTokenCheck check);

struct UrlTokenVerdict {
  UrlTokenCheck check = UrlTokenCheck::kMissing;
  int64_t expires_s = 0;  // with kValid: until when the token is good
};

// Checks the token in `query` (the URL's query string, without '?') for the decoded `path` of a
// bucket whose key is `url_key`, at `now_s`.
UrlTokenVerdict VerifyUrlToken(std::string_view path, std::string_view query,
                               std::string_view url_key, int64_t now_s);

}  // namespace liverec::storage
