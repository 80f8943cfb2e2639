// Presigned GET URLs for objects of a private S3 bucket: AWS Signature Version 4 carried in the
// query string ("Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", S3 API
// Reference), so that a player (ffmpeg, hls.js, a browser) can fetch the object with nothing but
// the URL until it expires. libcurl signs only the requests liverec sends itself (the
// Authorization header), hence this.
//
// The URL is S3UrlBuilder::ObjectUrl of the key (path-style or virtual-hosted as the builder is)
// with, in canonical order, X-Amz-Algorithm=AWS4-HMAC-SHA256,
// X-Amz-Credential=<id>/<yyyymmdd>/<region>/s3/aws4_request, X-Amz-Date=<yyyymmddThhmmssZ>,
// X-Amz-Expires, X-Amz-SignedHeaders=host, then X-Amz-Signature last. Only the Host header is
// signed (the endpoint's authority, a non-default port included, with the bucket in front when
// virtual-hosted) and the payload is UNSIGNED-PAYLOAD, so any client sending the URL as it is
// gets the object (GET only: a HEAD with the URL is a different canonical request).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/s3/s3_url.h"

namespace liverec::storage {

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;  // e.g. "us-east-1"; part of the credential scope
};

// S3 accepts X-Amz-Expires from 1 s to 7 days.
inline constexpr int64_t kMinPresignExpiresS = 1;
inline constexpr int64_t kMaxPresignExpiresS = 604800;

// The URL that GETs `key` (not yet encoded) from the builder's bucket, signed at `now_s` (UTC
// seconds since the epoch; the X-Amz-Date) and valid for `expires_s` seconds after that.
// The caller passes an expiry within [kMinPresignExpiresS, kMaxPresignExpiresS]; one outside is
// clamped into it rather than refused (S3 would refuse the whole URL), so the URL always works,
// if for a shorter or longer time than asked.
std::string PresignGetUrl(const S3UrlBuilder& urls, std::string_view key,
                          const SigV4Credentials& creds, int64_t now_s, int64_t expires_s);

}  // namespace liverec::storage
