#include "storage/url_token.h"

#include <optional>

#include "base/percent_encoding.h"
#include "base/type_a_token.h"

namespace liverec::storage {
namespace {

constexpr std::string_view kUid = "0";

std::string PrefixUri(std::string_view prefix) { return std::string(prefix) + "*"; }

}  // namespace

std::string ObjectTokenQuery(std::string_view path, int64_t expires_s, std::string_view rand,
                             std::string_view url_key) {
  return std::string(kAuthKeyParam) + "=" +
         PopEncode(MakeTypeAToken(path, expires_s, rand, kUid, url_key));
}

std::string PrefixTokenQuery(std::string_view prefix, int64_t expires_s, std::string_view rand,
                             std::string_view url_key) {
  return std::string(kAuthPrefixParam) + "=" + PopEncode(prefix) + "&" +
         std::string(kAuthKeyParam) + "=" +
         PopEncode(MakeTypeAToken(PrefixUri(prefix), expires_s, rand, kUid, url_key));
}

std::string_view UrlTokenCheckName(UrlTokenCheck check) {
  switch (check) {
    case UrlTokenCheck::kValid:
      return "valid";
    case UrlTokenCheck::kMissing:
      return "missing";
    case UrlTokenCheck::kMalformed:
      return "malformed";
    case UrlTokenCheck::kExpired:
      return "expired";
    case UrlTokenCheck::kWrongSignature:
      return "wrong_signature";
    case UrlTokenCheck::kOutsidePrefix:
      return "outside_prefix";
  }
  return "unknown";
}

UrlTokenVerdict VerifyUrlToken(std::string_view path, std::string_view query,
                               std::string_view url_key, int64_t now_s) {
  std::optional<std::string> auth_key, prefix;
  for (auto& [name, value] : ParseFormPairs(query)) {
    std::optional<std::string>* slot = name == kAuthKeyParam      ? &auth_key
                                       : name == kAuthPrefixParam ? &prefix
                                                                  : nullptr;
    if (!slot) continue;
    if (*slot) return {UrlTokenCheck::kMalformed};
    *slot = std::move(value);
  }
  if (!auth_key) return {UrlTokenCheck::kMissing};
  auto token = ParseTypeAToken(*auth_key);
  if (!token || (prefix && (prefix->empty() || prefix->front() != '/'))) {
    return {UrlTokenCheck::kMalformed};
  }
  if (now_s > token->timestamp) return {UrlTokenCheck::kExpired};
  std::string uri = prefix ? PrefixUri(*prefix) : std::string(path);
  if (!TypeATokenSigns(*token, *auth_key, uri, url_key)) return {UrlTokenCheck::kWrongSignature};
  if (prefix && !path.starts_with(*prefix)) return {UrlTokenCheck::kOutsidePrefix};
  return {UrlTokenCheck::kValid, token->timestamp};
}

}  // namespace liverec::storage
