#include "api/signature_v3.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/percent_encoding.h"

namespace liverec::api {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Status Incomplete(std::string detail) {
  return Status(ErrorCode::kIncompleteSignature, "", std::move(detail));
}

}  // namespace

Result<V3Authorization> ParseV3Authorization(std::string_view header) {
  header = Trim(header);
  if (!header.starts_with(kV3Algorithm) || header.size() == kV3Algorithm.size() ||
      header[kV3Algorithm.size()] != ' ') {
    return Error(Incomplete("Authorization must start with ACS3-HMAC-SHA256."));
  }
  header.remove_prefix(kV3Algorithm.size() + 1);
  V3Authorization auth;
  bool has_signed_headers = false;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto part = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) return Error(Incomplete("Malformed Authorization part."));
    auto name = part.substr(0, eq);
    auto value = part.substr(eq + 1);
    if (name == "Credential") {
      auth.access_key_id = value;
    } else if (name == "SignedHeaders") {
      has_signed_headers = true;
      while (!value.empty()) {
        auto semi = value.find(';');
        auto item = value.substr(0, semi);
        value = semi == std::string_view::npos ? std::string_view() : value.substr(semi + 1);
        if (!item.empty()) {
          std::string lower(item);
          std::transform(lower.begin(), lower.end(), lower.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          auth.signed_headers.push_back(std::move(lower));
        }
      }
    } else if (name == "Signature") {
      auth.signature = value;
    }
  }
  if (auth.access_key_id.empty() || auth.signature.empty() || !has_signed_headers) {
    return Error(Incomplete("Authorization needs Credential, SignedHeaders and Signature."));
  }
  return auth;
}

std::string V3CanonicalRequest(std::string_view method, std::string_view path,
                               const ParamMap& query,
                               const std::map<std::string, std::string>& headers,
                               const std::vector<std::string>& signed_headers,
                               std::string_view payload_hash) {
  std::string out(method);
  out += '\n';
  out += path;
  out += '\n';
  bool first = true;
  for (const auto& [name, value] : query) {  // std::map: sorted by name
    if (!first) out += '&';
    first = false;
    out += PopEncode(name);
    out += '=';
    out += PopEncode(value);
  }
  out += '\n';
  std::vector<std::string> sorted = signed_headers;
  std::sort(sorted.begin(), sorted.end());
  std::string joined;
  for (const auto& name : sorted) {
    auto it = headers.find(name);
    out += name;
    out += ':';
    if (it != headers.end()) out += Trim(it->second);
    out += '\n';
    if (!joined.empty()) joined += ';';
    joined += name;
  }
  out += '\n';
  out += joined;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string V3StringToSign(std::string_view canonical_request) {
  std::string out(kV3Algorithm);
  out += '\n';
  out += HexEncode(Sha256(canonical_request));
  return out;
}

std::string V3Signature(std::string_view secret, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(secret, string_to_sign));
}

}  // namespace liverec::api
