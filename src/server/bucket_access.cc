#include "server/bucket_access.h"

#include <array>
#include <cctype>

#include "base/crypto.h"
#include "base/percent_encoding.h"
#include "config/config.h"
#include "server/bucket_file_server.h"
#include "server/playlist_tokens.h"
#include "storage/s3/s3_url.h"

namespace liverec::server {
namespace {

bool IsPlaylist(std::string_view key) {
  if (key.size() < 5) return false;
  std::string tail(key.substr(key.size() - 5));
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".m3u8";
}

Status BadRequest(std::string detail) {
  return Status(ErrorCode::kInvalidParameter, "", std::move(detail));
}

}  // namespace

BucketAccess::BucketAccess(std::vector<BucketAccessEntry> buckets, std::string public_url,
                           const Clock& clock, RandomSource& random)
    : public_url_(std::move(public_url)), clock_(clock), random_(random) {
  table_ = MakeTable(std::move(buckets));
}

std::shared_ptr<const BucketAccess::Table> BucketAccess::MakeTable(
    std::vector<BucketAccessEntry> buckets) const {
  auto table = std::make_shared<Table>();
  table->entries = std::move(buckets);
  for (size_t i = 0; i < table->entries.size(); ++i) {
    BucketAccessEntry& b = table->entries[i];
    if (b.served && b.base_url.empty()) b.base_url = public_url_ + "/" + PopEncode(b.name);
    table->by_id[{b.endpoint, b.name}] = i;
    if (b.served) table->served[b.name] = i;
  }
  return table;
}

void BucketAccess::Replace(std::vector<BucketAccessEntry> buckets) {
  auto table = MakeTable(std::move(buckets));
  std::lock_guard lock(mutex_);
  table_ = std::move(table);
}

std::shared_ptr<const BucketAccess::Table> BucketAccess::Snapshot() const {
  std::lock_guard lock(mutex_);
  return table_;
}

const BucketAccessEntry* BucketAccess::Find(const Table& t, const std::string& endpoint,
                                            const std::string& bucket) {
  auto it = t.by_id.find({endpoint, bucket});
  return it == t.by_id.end() ? nullptr : &t.entries[it->second];
}

const BucketAccessEntry* BucketAccess::Served(const Table& t, std::string_view bucket) {
  auto it = t.served.find(bucket);
  return it == t.served.end() ? nullptr : &t.entries[it->second];
}

std::string BucketAccess::Rand() const {
  std::array<uint8_t, 8> bytes{};
  random_.Fill(bytes);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string BucketAccess::ObjectUrl(const std::string& endpoint, const std::string& bucket,
                                    const std::string& key) const {
  auto url = SignedUrl(endpoint, bucket, key, false, 0);  // 0: the bucket's url_expiry_s
  return url ? *url : "";
}

Result<std::pair<const BucketAccessEntry*, int64_t>> BucketAccess::ForUrls(
    const Table& t, const std::string& endpoint, const std::string& bucket,
    int64_t lifetime_s) const {
  const BucketAccessEntry* b = Find(t, endpoint, bucket);
  if (!b) return Error(BadRequest("no bucket " + bucket + " at endpoint " + endpoint));
  if (b->base_url.empty()) {
    return Error(BadRequest("bucket " + bucket + " at endpoint " + endpoint +
                            " is stored but not served: it has no URLs"));
  }
  if (lifetime_s == 0) lifetime_s = b->url_expiry_s;
  if (lifetime_s < 1 || lifetime_s > config::kMaxUrlExpiryS) {
    return Error(BadRequest("the lifetime must be 1-" + std::to_string(config::kMaxUrlExpiryS) +
                            " seconds"));
  }
  return std::make_pair(b, lifetime_s);
}

Result<std::string> BucketAccess::SignedUrl(const std::string& endpoint, const std::string& bucket,
                                            const std::string& key, bool prefix,
                                            int64_t lifetime_s) const {
  auto table = Snapshot();
  auto found = ForUrls(*table, endpoint, bucket, lifetime_s);
  if (!found) return Error(found.error());
  const BucketAccessEntry* b = found->first;
  lifetime_s = found->second;
  std::string url = b->base_url + "/" + storage::EncodeKeyPath(key);
  if (!b->is_private) return url;
  int64_t now_s = clock_.NowMs() / 1000;
  if (b->presign) {
    if (prefix) {
      return Error(BadRequest("bucket " + bucket +
                              " is a private S3 bucket: its presigned URLs name one object"));
    }
    if (!IsPlaylist(key)) return b->presign(key, now_s, lifetime_s);
    std::string remote = std::string(kRemotePlaylistPath) + b->endpoint + "/" + b->name + "/" + key;
    return public_url_ + std::string(kRemotePlaylistPath) + PopEncode(b->endpoint) + "/" +
           PopEncode(b->name) + "/" + storage::EncodeKeyPath(key) + "?" +
           storage::ObjectTokenQuery(remote, now_s + lifetime_s, Rand(), b->url_key);
  }
  std::string path = "/" + b->name + "/" + key;
  return url + "?" +
         (prefix ? storage::PrefixTokenQuery(path, now_s + lifetime_s, Rand(), b->url_key)
                 : storage::ObjectTokenQuery(path, now_s + lifetime_s, Rand(), b->url_key));
}

Result<std::string> BucketAccess::SignedPathUrl(const std::string& endpoint,
                                                const std::string& bucket, const std::string& path,
                                                std::string_view encoded_path,
                                                int64_t lifetime_s) const {
  auto table = Snapshot();
  auto found = ForUrls(*table, endpoint, bucket, lifetime_s);
  if (!found) return Error(found.error());
  const BucketAccessEntry* b = found->first;
  std::string url = public_url_ + std::string(encoded_path);
  if (!b->is_private) return url;
  int64_t expires_s = clock_.NowMs() / 1000 + found->second;
  return url + "?" + storage::ObjectTokenQuery(path, expires_s, Rand(), b->url_key);
}

BucketAdmission BucketAccess::Verify(const BucketAccessEntry& b, std::string_view path,
                                     std::string_view query) const {
  if (!b.is_private) return {true, false, 0, storage::UrlTokenCheck::kValid, b.account};
  auto verdict = storage::VerifyUrlToken(path, query, b.url_key, clock_.NowMs() / 1000);
  bool valid = verdict.check == storage::UrlTokenCheck::kValid;
  return {valid, valid, verdict.expires_s, verdict.check, valid ? b.account : std::string()};
}

BucketAdmission BucketAccess::AdmitPath(const std::string& endpoint, const std::string& bucket,
                                        std::string_view path, std::string_view query) const {
  auto table = Snapshot();
  const BucketAccessEntry* b = Find(*table, endpoint, bucket);
  if (!b || b->base_url.empty()) return {};
  return Verify(*b, path, query);
}

BucketAdmission BucketAccess::Admit(const std::string& bucket, std::string_view path,
                                    std::string_view query) const {
  auto table = Snapshot();
  const BucketAccessEntry* b = Served(*table, bucket);
  if (!b) return {};
  return Verify(*b, path, query);
}

std::optional<std::string> BucketAccess::WithServedToken(const Table& t, const std::string& account,
                                                         std::string_view uri,
                                                         const std::string& path,
                                                         int64_t expires_s) const {
  auto slash = path.find('/', 1);
  const BucketAccessEntry* b =
      Served(t, std::string_view(path).substr(1, slash == std::string::npos ? 0 : slash - 1));
  if (!b || !b->is_private || b->account != account) return std::nullopt;
  return std::string(uri) + std::string(QuerySeparator(uri)) +
         storage::ObjectTokenQuery(path, expires_s, Rand(), b->url_key);
}

std::optional<std::string> BucketAccess::SignAbsoluteUrl(const Table& t, const std::string& account,
                                                         std::string_view uri, int64_t expires_s,
                                                         int64_t now_s) const {
  std::string_view bare = uri.substr(0, uri.find_first_of("?#"));
  if (bare.starts_with(public_url_ + "/")) {
    return WithServedToken(t, account, uri, PercentDecodePath(bare.substr(public_url_.size())),
                           expires_s);
  }
  // An absolute URL of a private S3 bucket of the same account: presigned for what is left.
  for (const BucketAccessEntry& b : t.entries) {
    if (!b.presign || !b.is_private || b.account != account) continue;
    if (!bare.starts_with(b.base_url + "/")) continue;
    return b.presign(PercentDecodePath(bare.substr(b.base_url.size() + 1)), now_s,
                     std::max<int64_t>(1, expires_s - now_s));
  }
  return std::nullopt;
}

std::optional<std::string> BucketAccess::SignSegment(
    const Table& t, const BucketAccessEntry& playlist_bucket, std::string_view playlist_path,
    const std::string* remote_key, std::string_view uri, int64_t expires_s, int64_t now_s) const {
  if (remote_key) {  // relative to the playlist's key in its S3 bucket
    std::optional<std::string> path = ResolveRelativePath("/" + *remote_key, uri);
    if (!path) return SignAbsoluteUrl(t, playlist_bucket.account, uri, expires_s, now_s);
    if (path->size() < 2) return std::nullopt;
    return playlist_bucket.presign(path->substr(1), now_s, std::max<int64_t>(1, expires_s - now_s));
  }
  std::optional<std::string> path = ResolveRelativePath(playlist_path, uri);
  if (!path) return SignAbsoluteUrl(t, playlist_bucket.account, uri, expires_s, now_s);
  return WithServedToken(t, playlist_bucket.account, uri, *path, expires_s);
}

RemotePlaylist BucketAccess::ReadRemotePlaylist(std::string_view path,
                                                std::string_view query) const {
  auto table = Snapshot();
  const Table& t = *table;
  RemotePlaylist answer;
  if (!path.starts_with(kRemotePlaylistPath)) return answer;
  std::string_view rest = path.substr(kRemotePlaylistPath.size());
  auto first = rest.find('/');
  auto second = first == std::string_view::npos ? first : rest.find('/', first + 1);
  if (second == std::string_view::npos) return answer;
  const BucketAccessEntry* b = Find(t, std::string(rest.substr(0, first)),
                                    std::string(rest.substr(first + 1, second - first - 1)));
  std::string key(rest.substr(second + 1));
  if (!b || !b->presign || !b->read || !b->is_private || !IsPlaylist(key)) return answer;
  int64_t now_s = clock_.NowMs() / 1000;
  auto verdict = storage::VerifyUrlToken(path, query, b->url_key, now_s);
  answer.check = verdict.check;
  if (verdict.check != storage::UrlTokenCheck::kValid) return answer;
  auto bytes = b->read(key);
  if (!bytes) {
    answer.status = bytes.error().code() == ErrorCode::kObjectNotFound ? 404 : 502;
    return answer;
  }
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  answer.status = 200;
  answer.text = RewritePlaylistUris(text, [&](std::string_view uri) {
    return SignSegment(t, *b, "", &key, uri, verdict.expires_s, now_s);
  });
  return answer;
}

std::string BucketAccess::SignPlaylist(const std::string& bucket, std::string_view path,
                                       std::string_view text, int64_t expires_s) const {
  auto table = Snapshot();
  const Table& t = *table;
  const BucketAccessEntry* b = Served(t, bucket);
  if (!b) return std::string(text);
  int64_t now_s = clock_.NowMs() / 1000;
  return RewritePlaylistUris(text, [&](std::string_view uri) {
    return SignSegment(t, *b, path, nullptr, uri, expires_s, now_s);
  });
}

}  // namespace liverec::server
