#include "server/bucket_access.h"

#include <array>

#include "base/crypto.h"
#include "base/percent_encoding.h"
#include "config/config.h"
#include "server/bucket_file_server.h"
#include "server/playlist_tokens.h"

namespace liverec::server {
namespace {

// The key as URL path segments, each percent-encoded, '/' kept.
std::string EncodeKey(std::string_view key) {
  std::string out;
  size_t start = 0;
  while (true) {
    auto slash = key.find('/', start);
    out += PopEncode(key.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

Status BadRequest(std::string detail) {
  return Status(ErrorCode::kInvalidParameter, "", std::move(detail));
}

}  // namespace

BucketAccess::BucketAccess(std::vector<BucketAccessEntry> buckets, std::string public_url,
                           const Clock& clock, RandomSource& random)
    : buckets_(std::move(buckets)),
      public_url_(std::move(public_url)),
      clock_(clock),
      random_(random) {
  for (size_t i = 0; i < buckets_.size(); ++i) {
    BucketAccessEntry& b = buckets_[i];
    if (b.served && b.base_url.empty()) b.base_url = public_url_ + "/" + PopEncode(b.name);
    by_id_[{b.endpoint, b.name}] = i;
    if (b.served) served_[b.name] = i;
  }
}

const BucketAccessEntry* BucketAccess::Find(const std::string& endpoint,
                                            const std::string& bucket) const {
  auto it = by_id_.find({endpoint, bucket});
  return it == by_id_.end() ? nullptr : &buckets_[it->second];
}

const BucketAccessEntry* BucketAccess::Served(std::string_view bucket) const {
  auto it = served_.find(bucket);
  return it == served_.end() ? nullptr : &buckets_[it->second];
}

std::string BucketAccess::Rand() const {
  std::array<uint8_t, 8> bytes{};
  random_.Fill(bytes);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string BucketAccess::ObjectUrl(const std::string& endpoint, const std::string& bucket,
                                    const std::string& key) const {
  const BucketAccessEntry* b = Find(endpoint, bucket);
  if (!b || b->base_url.empty()) return "";
  auto url = SignedUrl(endpoint, bucket, key, false, b->url_expiry_s);
  return url ? *url : "";
}

Result<std::string> BucketAccess::SignedUrl(const std::string& endpoint, const std::string& bucket,
                                            const std::string& key, bool prefix,
                                            int64_t lifetime_s) const {
  const BucketAccessEntry* b = Find(endpoint, bucket);
  if (!b) return Error(BadRequest("no bucket " + bucket + " at endpoint " + endpoint));
  if (b->base_url.empty()) {
    return Error(BadRequest("bucket " + bucket + " at endpoint " + endpoint +
                            " is stored but not served: it has no URLs"));
  }
  if (lifetime_s < 1 || lifetime_s > config::kMaxUrlExpiryS) {
    return Error(BadRequest("the lifetime must be 1-" + std::to_string(config::kMaxUrlExpiryS) +
                            " seconds"));
  }
  std::string url = b->base_url + "/" + EncodeKey(key);
  if (!b->is_private) return url;
  int64_t now_s = clock_.NowMs() / 1000;
  if (b->presign) {
    if (prefix) {
      return Error(BadRequest("bucket " + bucket +
                              " is a private S3 bucket: its presigned URLs name one object"));
    }
    return b->presign(key, now_s, lifetime_s);
  }
  std::string path = "/" + b->name + "/" + key;
  return url + "?" +
         (prefix ? storage::PrefixTokenQuery(path, now_s + lifetime_s, Rand(), b->url_key)
                 : storage::ObjectTokenQuery(path, now_s + lifetime_s, Rand(), b->url_key));
}

BucketAdmission BucketAccess::Admit(const std::string& bucket, std::string_view path,
                                    std::string_view query) const {
  const BucketAccessEntry* b = Served(bucket);
  if (!b) return {};
  if (!b->is_private) return {true, false, 0, storage::UrlTokenCheck::kValid};
  auto verdict = storage::VerifyUrlToken(path, query, b->url_key, clock_.NowMs() / 1000);
  bool valid = verdict.check == storage::UrlTokenCheck::kValid;
  return {valid, valid, verdict.expires_s, verdict.check};
}

std::optional<std::string> BucketAccess::SignSegment(const BucketAccessEntry& playlist_bucket,
                                                     std::string_view playlist_path,
                                                     std::string_view uri, int64_t expires_s,
                                                     int64_t now_s) const {
  std::optional<std::string> path = ResolveRelativePath(playlist_path, uri);
  if (!path && uri.starts_with(public_url_ + "/")) {
    std::string_view rest = uri.substr(public_url_.size());
    path = PercentDecodePath(rest.substr(0, rest.find_first_of("?#")));
  }
  if (path) {
    auto slash = path->find('/', 1);
    const BucketAccessEntry* b =
        Served(std::string_view(*path).substr(1, slash == std::string::npos ? 0 : slash - 1));
    if (!b || !b->is_private || b->account != playlist_bucket.account) return std::nullopt;
    return std::string(uri) + std::string(QuerySeparator(uri)) +
           storage::ObjectTokenQuery(*path, expires_s, Rand(), b->url_key);
  }
  // An absolute URL of a private S3 bucket of the same account: presigned for what is left.
  std::string_view bare = uri.substr(0, uri.find_first_of("?#"));
  for (const BucketAccessEntry& b : buckets_) {
    if (!b.presign || !b.is_private || b.account != playlist_bucket.account) continue;
    if (!bare.starts_with(b.base_url + "/")) continue;
    return b.presign(PercentDecodePath(bare.substr(b.base_url.size() + 1)), now_s,
                     std::max<int64_t>(1, expires_s - now_s));
  }
  return std::nullopt;
}

std::string BucketAccess::SignPlaylist(const std::string& bucket, std::string_view path,
                                       std::string_view text, int64_t expires_s) const {
  const BucketAccessEntry* b = Served(bucket);
  if (!b) return std::string(text);
  int64_t now_s = clock_.NowMs() / 1000;
  return RewritePlaylistUris(
      text, [&](std::string_view uri) { return SignSegment(*b, path, uri, expires_s, now_s); });
}

}  // namespace liverec::server
