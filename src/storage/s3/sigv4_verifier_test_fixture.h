// Test support (not part of the library): recomputes the AWS Signature Version 4 of a request a
// TestHttpServer received, as a service does (canonical request, string to sign, signing key),
// written from the SigV4 documentation independently of libcurl. sigv4_vectors_test.cc checks
// it against AWS's published test vectors; FakeS3 uses it to refuse badly signed requests.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "base/crypto.h"
#include "storage/s3/test_http_server_test_fixture.h"

namespace liverec::storage::testing {

struct SigV4Parts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // hex
};

struct SigV4Verdict {
  bool ok = false;
  std::string why;  // when not ok
  std::string access_key_id;
  SigV4Parts expected;
};

inline std::string TrimAndCollapse(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The canonical query of a raw query string: `name=value` pairs as sent (a bare name gets '='),
// sorted.
inline std::string CanonicalQueryOfTarget(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return "";
  std::vector<std::string> pairs;
  std::string_view query = target.substr(q + 1);
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string pair(query.substr(start, amp == std::string_view::npos ? query.npos : amp - start));
    if (!pair.empty()) pairs.push_back(pair.find('=') == std::string::npos ? pair + "=" : pair);
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& p : pairs) out += (out.empty() ? "" : "&") + p;
  return out;
}

// Computes the signature parts for `request` with the given signed header names (lower-case,
// sorted) and payload hash.
inline SigV4Parts ComputeSigV4(const TestHttpRequest& request,
                               const std::vector<std::string>& signed_headers,
                               const std::string& payload_hash, const std::string& secret,
                               const std::string& scope_date, const std::string& region,
                               const std::string& service) {
  SigV4Parts parts;
  std::string path = request.target.substr(0, request.target.find('?'));
  std::string headers, names;
  for (const auto& name : signed_headers) {
    headers += name + ":" + TrimAndCollapse(request.Header(name)) + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  parts.canonical_request = request.method + "\n" + path + "\n" +
                            CanonicalQueryOfTarget(request.target) + "\n" + headers + "\n" + names +
                            "\n" + payload_hash;
  std::string scope = scope_date + "/" + region + "/" + service + "/aws4_request";
  parts.string_to_sign = "AWS4-HMAC-SHA256\n" + request.Header("x-amz-date") + "\n" + scope + "\n" +
                         HexEncode(Sha256(parts.canonical_request));
  std::string key = HmacSha256("AWS4" + secret, scope_date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  parts.signature = HexEncode(HmacSha256(key, parts.string_to_sign));
  return parts;
}

// Checks the Authorization header of `request` against `secret`. The payload hash is the
// x-amz-content-sha256 header, else the SHA-256 of the body.
inline SigV4Verdict VerifySigV4(const TestHttpRequest& request, const std::string& secret,
                                const std::string& region, const std::string& service) {
  SigV4Verdict verdict;
  std::string auth = request.Header("authorization");
  const std::string kPrefix = "AWS4-HMAC-SHA256 Credential=";
  if (!auth.starts_with(kPrefix)) {
    verdict.why = "no AWS4-HMAC-SHA256 Authorization header";
    return verdict;
  }
  auto field = [&](const std::string& name) {
    auto at = auth.find(name + "=");
    if (at == std::string::npos) return std::string();
    at += name.size() + 1;
    auto end = auth.find_first_of(", ", at);
    return auth.substr(at, end == std::string::npos ? std::string::npos : end - at);
  };
  std::string credential = field("Credential");
  std::string signed_list = field("SignedHeaders");
  std::string signature = field("Signature");
  auto slash = credential.find('/');
  verdict.access_key_id = credential.substr(0, slash);
  std::string scope_date = credential.substr(slash + 1, 8);
  std::string expected_scope = scope_date + "/" + region + "/" + service + "/aws4_request";
  if (credential.substr(slash + 1) != expected_scope) {
    verdict.why = "credential scope " + credential.substr(slash + 1) + " is not " + expected_scope;
    return verdict;
  }
  std::vector<std::string> names;
  for (size_t start = 0; start <= signed_list.size();) {
    size_t semi = signed_list.find(';', start);
    names.push_back(
        signed_list.substr(start, semi == std::string::npos ? std::string::npos : semi - start));
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  for (const auto& name : names) {
    if (name.empty() || !request.headers.contains(name)) {
      verdict.why = "signed header \"" + name + "\" was not sent";
      return verdict;
    }
  }
  std::string payload = request.Header("x-amz-content-sha256");
  if (payload.empty()) payload = HexEncode(Sha256(request.body));
  verdict.expected = ComputeSigV4(request, names, payload, secret, scope_date, region, service);
  verdict.ok = verdict.expected.signature == signature;
  if (!verdict.ok)
    verdict.why = "signature mismatch; canonical request:\n" + verdict.expected.canonical_request;
  return verdict;
}

}  // namespace liverec::storage::testing
