// S3 request URLs as liverec sends them, which is also how SigV4 signs them: libcurl 7.88 signs
// the path and query exactly as written, so they are written in canonical form here:
// - the key is URI-encoded per SigV4 (RFC 3986 unreserved A-Z a-z 0-9 - _ . ~ kept, every other
//   byte %XX upper-case; '/' kept between segments), encoded once;
// - query parameters are encoded the same way, sorted by name then value, and always written
//   `name=value` (`uploads=`, never `uploads`).
// Pure functions and an immutable builder; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liverec::storage {

struct S3Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // a name, an IPv4 address or a bracketed IPv6 address
  int port = 0;        // 0: the scheme's default
  // "host" or "host:port", as in the Host header.
  std::string Authority() const;
};

// Parses "http(s)://host[:port]" (a trailing '/' is allowed, nothing else after the authority);
// nullopt when malformed.
std::optional<S3Endpoint> ParseS3Endpoint(std::string_view url);

// The key as a URL path: each segment SigV4-encoded, the '/' between segments kept.
std::string EncodeKeyPath(std::string_view key);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=" : encoded, sorted by encoded name then value (SigV4 canonical query string).
std::string CanonicalQuery(QueryParams params);

class S3UrlBuilder {
 public:
  S3UrlBuilder(S3Endpoint endpoint, std::string bucket, bool path_style);

  // path style: scheme://host[:port]/bucket/key?query
  // virtual-hosted: scheme://bucket.host[:port]/key?query
  std::string ObjectUrl(std::string_view key, const QueryParams& query = {}) const;
  // The bucket itself (ListObjectsV2): .../bucket/?query or bucket.host/?query
  std::string BucketUrl(const QueryParams& query = {}) const;
  // Where objects are read from by default: ObjectUrl of "" without the trailing '/'.
  std::string PublicBaseUrl() const;
  // The parts of ObjectUrl a signature covers: the Host header ("host[:port]" path style,
  // "bucket.host[:port]" virtual-hosted) and the path ("/bucket/key" or "/key", key encoded).
  std::string Host() const;
  std::string ObjectPath(std::string_view key) const;
  // "bucket at http://host:port" for messages.
  std::string Describe() const;

 private:
  std::string Base() const;

  S3Endpoint endpoint_;
  std::string bucket_;
  bool path_style_;
};

}  // namespace liverec::storage
