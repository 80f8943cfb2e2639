#include "storage/s3/sigv4_presign.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/time_format.h"

namespace liverec::storage {
namespace {

// "20130524T000000Z" (ISO 8601 basic format, as SigV4 writes X-Amz-Date).
std::string AmzDate(int64_t now_s) {
  std::string iso = FormatIsoUtc(now_s * 1000);  // "2013-05-24T00:00:00Z"
  std::erase_if(iso, [](char c) { return c == '-' || c == ':'; });
  return iso;
}

}  // namespace

std::string PresignGetUrl(const S3UrlBuilder& urls, std::string_view key,
                          const SigV4Credentials& creds, int64_t now_s, int64_t expires_s) {
  const int64_t expires = std::clamp(expires_s, kMinPresignExpiresS, kMaxPresignExpiresS);
  const std::string date_time = AmzDate(now_s);
  const std::string date = date_time.substr(0, 8);
  const std::string scope = date + "/" + creds.region + "/s3/aws4_request";
  const QueryParams query = {{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
                             {"X-Amz-Credential", creds.access_key_id + "/" + scope},
                             {"X-Amz-Date", date_time},
                             {"X-Amz-Expires", std::to_string(expires)},
                             {"X-Amz-SignedHeaders", "host"}};

  // Task 1, the canonical request: method, URI, query, headers, signed header names, payload.
  const std::string canonical_request = "GET\n" + urls.ObjectPath(key) + "\n" +
                                        CanonicalQuery(query) + "\nhost:" + urls.Host() +
                                        "\n\nhost\nUNSIGNED-PAYLOAD";
  // Task 2, the string to sign; task 3, the signing key and the signature.
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + date_time + "\n" + scope + "\n" + HexEncode(Sha256(canonical_request));
  std::string signing_key = HmacSha256("AWS4" + creds.secret_access_key, date);
  signing_key = HmacSha256(signing_key, creds.region);
  signing_key = HmacSha256(signing_key, "s3");
  signing_key = HmacSha256(signing_key, "aws4_request");
  const std::string signature = HexEncode(HmacSha256(signing_key, string_to_sign));

  // ObjectUrl writes the same path and query as signed above; the signature (hex, nothing to
  // encode) goes last, as AWS's own examples put it.
  return urls.ObjectUrl(key, query) + "&X-Amz-Signature=" + signature;
}

}  // namespace liverec::storage
