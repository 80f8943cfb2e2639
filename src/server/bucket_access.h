// BucketAccess: who may read each bucket's objects, and the URLs liverec hands out for them
// (docs/configuration.md "Bucket access"; docs/object-keys.md "Private buckets and signed URLs").
//
// - A public-read bucket's objects are read with plain URLs: <public_url>/<bucket>/<key> for the
//   local buckets liverec serves, <the bucket's public URL>/<key> for S3.
// - A private local bucket answers only requests carrying a valid token (storage/url_token.h)
//   signed with its key; everything else gets the same 403, whatever exists. The URLs handed out
//   (RecordUrl) carry a token good for the bucket's url_expiry_s.
// - A playlist (.m3u8) served through a token comes with a token on each segment URI that names
//   an object of a private bucket of the same account (its own path, the same expiry): so players
//   fetch the segments without knowing about signing, and the token reaches no further.
// - A private S3 bucket's URLs are presigned (SigV4 query authentication) at the service, except
//   playlists: their segments are relative, unsigned at the service, so a playlist's URL is
//   liverec's /_playlists/<endpoint>/<bucket>/<key> with a token (the bucket's key), where liverec
//   reads it from the service and serves it with each segment presigned (ReadRemotePlaylist).
//   "_playlists" is never a bucket name (bucket names are a-z 0-9 -).
//
// Thread-safety: every method may be called from any thread (the RandomSource must be
// thread-safe, as OsRandom is); Replace swaps the whole table at once, so a request sees either
// the old or the new access of every bucket.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "storage/url_token.h"

namespace liverec::server {

struct BucketAccessEntry {
  std::string account;   // the account's name: tokens never reach another account's buckets
  std::string endpoint;  // OssEndpoint
  std::string name;      // OssBucket
  bool served = false;   // a local bucket liverec serves at /<name>/ (endpoint "local")
  bool is_private = true;
  std::string url_key;  // signs tokens (served private buckets)
  int64_t url_expiry_s = 3600;
  // Unsigned base of the bucket's object URLs without the trailing '/': <public_url>/<name> for
  // served buckets, the public URL of an S3 bucket, "" for a local bucket not served.
  std::string base_url;
  // S3: a presigned GET URL of a key for (now_s, lifetime_s); empty for other buckets.
  std::function<std::string(std::string_view key, int64_t now_s, int64_t lifetime_s)> presign;
  // S3: reads a (small) object, for playlists served through liverec; empty for other buckets.
  std::function<Result<std::vector<uint8_t>>(const std::string& key)> read;
};

// The path prefix of private S3 buckets' playlists served by liverec.
inline constexpr std::string_view kRemotePlaylistPath = "/_playlists/";

// A playlist of a private S3 bucket as liverec serves it (BucketAccess::ReadRemotePlaylist).
struct RemotePlaylist {
  int status = 403;  // 200, 403 (token), 404 (no such object), 502 (the service failed)
  std::string text;  // with 200: the playlist, each segment presigned
  storage::UrlTokenCheck check = storage::UrlTokenCheck::kMissing;  // with 403: why
};

// What a request of a served bucket may have.
struct BucketAdmission {
  bool allowed = false;
  // Allowed by a token (not by public-read): segment URIs of a playlist get tokens until expires_s.
  bool by_token = false;
  int64_t expires_s = 0;
  storage::UrlTokenCheck check = storage::UrlTokenCheck::kMissing;  // why not, when refused
  std::string account;  // the bucket's account (allowed requests)
};

class BucketAccess {
 public:
  // `public_url`: where liverec's HTTP server is reached (http.public_url), the base of served
  // buckets' URLs (their base_url is filled from it when empty).
  BucketAccess(std::vector<BucketAccessEntry> buckets, std::string public_url, const Clock& clock,
               RandomSource& random);

  // The URL to hand out for an object (RecordUrl): plain for public-read buckets, signed for
  // url_expiry_s from now for private ones. A bucket not configured: "".
  std::string ObjectUrl(const std::string& endpoint, const std::string& bucket,
                        const std::string& key) const;

  // A URL for `key` (prefix = false) or for every key starting with `key` (prefix = true, served
  // buckets only: a presigned S3 URL names one object), good for `lifetime_s` seconds
  // (1..config::kMaxUrlExpiryS; 0: the bucket's url_expiry_s). Plain for a public-read bucket.
  // InvalidParameter when the bucket is unknown, not readable through liverec's URLs, or the
  // lifetime or prefix is refused.
  Result<std::string> SignedUrl(const std::string& endpoint, const std::string& bucket,
                                const std::string& key, bool prefix, int64_t lifetime_s) const;

  // A URL of liverec's own at the decoded `path` (`encoded_path` in the URL) that reads objects of
  // the bucket (a watch playlist, api/watch_path.h): plain for a public-read bucket, else with a
  // token signed with the bucket's key for `lifetime_s` (0: the bucket's url_expiry_s).
  // InvalidParameter as SignedUrl.
  Result<std::string> SignedPathUrl(const std::string& endpoint, const std::string& bucket,
                                    const std::string& path, std::string_view encoded_path,
                                    int64_t lifetime_s) const;

  // Whether a request for such a path (SignedPathUrl) with the URL query `query` may be
  // answered: a public-read bucket's always, a private one's with a valid token of its key.
  BucketAdmission AdmitPath(const std::string& endpoint, const std::string& bucket,
                            std::string_view path, std::string_view query) const;

  // Whether a request of the served bucket `bucket` for the decoded `path` ("/<bucket>/<key>")
  // with the URL query `query` may be answered. Unknown buckets are refused.
  BucketAdmission Admit(const std::string& bucket, std::string_view path,
                        std::string_view query) const;

  // `text`, the playlist served at the decoded `path` of bucket `bucket`, with a token (or a
  // presigned URL) until `expires_s` for each segment URI naming an object of a private bucket
  // of the same account.
  std::string SignPlaylist(const std::string& bucket, std::string_view path, std::string_view text,
                           int64_t expires_s) const;

  // The answer for the decoded `path` (kRemotePlaylistPath<endpoint>/<bucket>/<key>) with
  // `query`: a valid token of a private S3 bucket's playlist gets the playlist, read from the
  // service, with each segment URI presigned (or signed, for a served bucket) until the token's
  // expiry. Blocks on the network.
  RemotePlaylist ReadRemotePlaylist(std::string_view path, std::string_view query) const;

  // Replaces every bucket's entry (a reload of the config: access, url_expiry_s, url_key).
  void Replace(std::vector<BucketAccessEntry> buckets);

  // The configured buckets, for listing.
  std::vector<BucketAccessEntry> buckets() const { return Snapshot()->entries; }

 private:
  struct Table {
    std::vector<BucketAccessEntry> entries;
    std::map<std::pair<std::string, std::string>, size_t> by_id;  // (endpoint, name) -> index
    std::map<std::string, size_t, std::less<>> served;            // name -> index
  };
  std::shared_ptr<const Table> MakeTable(std::vector<BucketAccessEntry> buckets) const;
  std::shared_ptr<const Table> Snapshot() const;
  static const BucketAccessEntry* Find(const Table& t, const std::string& endpoint,
                                       const std::string& bucket);
  static const BucketAccessEntry* Served(const Table& t, std::string_view bucket);
  // The bucket (with URLs) and the lifetime to sign for; InvalidParameter when not.
  Result<std::pair<const BucketAccessEntry*, int64_t>> ForUrls(const Table& t,
                                                               const std::string& endpoint,
                                                               const std::string& bucket,
                                                               int64_t lifetime_s) const;
  BucketAdmission Verify(const BucketAccessEntry& b, std::string_view path,
                         std::string_view query) const;
  std::string Rand() const;
  // A segment URI of a playlist of `playlist_bucket` (an S3 playlist: at `remote_key`; a served
  // one: at `playlist_path`), signed or presigned until expires_s, or nullopt to leave it.
  std::optional<std::string> SignSegment(const Table& t, const BucketAccessEntry& playlist_bucket,
                                         std::string_view playlist_path,
                                         const std::string* remote_key, std::string_view uri,
                                         int64_t expires_s, int64_t now_s) const;
  // `uri` with a token for the decoded `path` when it names an object of a private served bucket
  // of `account`; nullopt otherwise.
  std::optional<std::string> WithServedToken(const Table& t, const std::string& account,
                                             std::string_view uri, const std::string& path,
                                             int64_t expires_s) const;
  std::optional<std::string> SignAbsoluteUrl(const Table& t, const std::string& account,
                                             std::string_view uri, int64_t expires_s,
                                             int64_t now_s) const;

  mutable std::mutex mutex_;            // guards table_ (the pointer, not the table)
  std::shared_ptr<const Table> table_;  // never null
  std::string public_url_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace liverec::server
