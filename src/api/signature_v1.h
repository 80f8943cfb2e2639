// Alibaba RPC signature V1 (HMAC-SHA1) (docs/api/README.md, Signatures).
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace liverec::api {

// Decoded request parameters by name; `Signature` itself must not be in the map.
using ParamMap = std::map<std::string, std::string>;

// METHOD&%2F&pe(sorted "pe(k)=pe(v)" joined with '&').
std::string V1StringToSign(std::string_view method, const ParamMap& params);
// base64(HMAC-SHA1(secret + "&", string_to_sign)).
std::string V1Signature(std::string_view secret, std::string_view string_to_sign);

}  // namespace liverec::api
