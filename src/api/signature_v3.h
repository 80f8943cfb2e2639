// Alibaba signature V3, ACS3-HMAC-SHA256 (docs/api/README.md, Signatures).
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/signature_v1.h"
#include "base/status.h"

namespace liverec::api {

inline constexpr std::string_view kV3Algorithm = "ACS3-HMAC-SHA256";

struct V3Authorization {
  std::string access_key_id;
  std::vector<std::string> signed_headers;  // lower-case, as given
  std::string signature;                    // lower-case hex
};

// Parses `ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=HEX`.
// Anything else: IncompleteSignature.
Result<V3Authorization> ParseV3Authorization(std::string_view header);

// The canonical request. `query` holds decoded query parameters; `headers` lower-case names to
// values (values are trimmed here); every name of `signed_headers` must be in `headers`.
std::string V3CanonicalRequest(std::string_view method, std::string_view path,
                               const ParamMap& query,
                               const std::map<std::string, std::string>& headers,
                               const std::vector<std::string>& signed_headers,
                               std::string_view payload_hash);
// "ACS3-HMAC-SHA256\n" + hex(sha256(canonical_request)).
std::string V3StringToSign(std::string_view canonical_request);
// hex(HMAC-SHA256(secret, string_to_sign)).
std::string V3Signature(std::string_view secret, std::string_view string_to_sign);

}  // namespace liverec::api
