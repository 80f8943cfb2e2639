#include "api/signature_v1.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/crypto.h"
#include "base/percent_encoding.h"

namespace liverec::api {

std::string V1StringToSign(std::string_view method, const ParamMap& params) {
  // Sort by *encoded* name (as the SDKs do); for the names the API uses this equals the
  // decoded order, but encoding first is what the clients do.
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) encoded.emplace_back(PopEncode(name), PopEncode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string canonical;
  for (const auto& [name, value] : encoded) {
    if (!canonical.empty()) canonical += '&';
    canonical += name;
    canonical += '=';
    canonical += value;
  }
  std::string out(method);
  out += "&%2F&";
  out += PopEncode(canonical);
  return out;
}

std::string V1Signature(std::string_view secret, std::string_view string_to_sign) {
  std::string key(secret);
  key += '&';
  return Base64Encode(HmacSha1(key, string_to_sign));
}

}  // namespace liverec::api
