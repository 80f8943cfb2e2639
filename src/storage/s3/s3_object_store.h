// S3ObjectStore: the ObjectStore of a bucket at an S3-compatible service (AWS S3, MinIO, Ceph
// RGW, s3rver, ...), over libcurl with SigV4 signing (CurlSigV4Client). docs/object-keys.md and
// docs/configuration.md describe it for operators.
//
// Requests: path-style (http://host/bucket/key) or virtual-hosted (http://bucket.host/key) URLs,
// keys URI-encoded per SigV4, HTTPS verified against the system CA bundle, pooled connections.
// Every request is tried up to S3Options::max_attempts times on transport errors, timeouts, 5xx
// and 429 (s3_errors.h); what fails through all of them is StorageFailure (transient), refusals
// are StorageAuthFailed / StorageAccessDenied / StorageBucketNotFound / StorageRequestRejected.
//
// Writes (PutFile, PutBytes):
// - A file is streamed from disk, never loaded whole. Bodies carry x-amz-content-sha256 (signed)
//   and Content-MD5 (the service rejects a body that changed on the way).
// - Files larger than part_size_bytes go up as a multipart upload (S3MultipartUpload); a
//   failed one is aborted so no parts linger. Readers see the object only once it is complete.
// - Never overwrite, as far as S3 allows (S3 has no rename): the store first asks HEAD and
//   refuses an existing key (ObjectAlreadyExists) before sending any bytes; then the PUT (or the
//   CompleteMultipartUpload) carries `If-None-Match: *`, which AWS S3 and MinIO honour
//   atomically (412 -> ObjectAlreadyExists). A service that answers 501 to that header is
//   remembered and asked without it. A service that silently ignores it (s3rver, older
//   gateways) leaves a race: two writers of the same key between the HEAD and the end of the
//   upload both succeed, and the later one replaces the earlier. liverec's own keys carry a
//   sequence number, so only two liverec nodes misconfigured to share keys can meet it.
// - A write resent after an attempt whose answer was lost (by the retries, or by libcurl itself,
//   which silently resends a request once when a reused connection turns out dead) may find its
//   own object: when a PUT gets 412 (or a completion NoSuchUpload) and the object's ETag is the
//   one this write produces (the body's MD5, or MD5-of-part-MD5s-N), the write reports success.
//   The HEAD before a single PUT does the same: an earlier call whose every attempt lost its
//   answer (an outage that began during the upload) may have stored it, and the retry by the
//   caller must find its own object rather than take another key. So a write that finds the key
//   already holding exactly its bytes succeeds (a multipart upload: only from its
//   412/NoSuchUpload), unlike LocalObjectStore; any other existing object is ObjectAlreadyExists.
// - S3 has no folders: `a` and `a/b` may both exist (no ObjectKeyConflict).
// Delete asks HEAD first so that a missing key is NoSuchKey (S3's DELETE answers 204 either way).
//
// Thread-safety: all methods may be called from many threads at once. They block on the
// network: call them from worker threads, never from an I/O thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/object_store.h"
#include "storage/s3/curl_sigv4_client.h"
#include "storage/s3/payload_digest.h"
#include "storage/s3/s3_options.h"
#include "storage/s3/s3_url.h"

namespace liverec::storage {

class S3ObjectStore final : public ObjectStore {
 public:
  // InvalidConfiguration when options.endpoint_url does not parse (config validation prevents
  // that); nothing is sent before the first call.
  static Result<std::unique_ptr<S3ObjectStore>> Create(S3Options options, ClientHooks hooks = {});

  Status PutFile(const std::string& key, const std::string& path) override;
  Status PutBytes(const std::string& key, std::span<const uint8_t> bytes) override;
  // A plain PUT (no If-None-Match): S3 replaces an existing object atomically.
  Status ReplaceBytes(const std::string& key, std::span<const uint8_t> bytes) override;
  Result<ObjectInfo> Head(const std::string& key) override;
  // Reads the whole object into memory (at most kMaxGetBytes): for small objects.
  Result<std::vector<uint8_t>> Get(const std::string& key) override;
  Status Delete(const std::string& key) override;
  // Every object whose key starts with `prefix`, in key order (ListObjectsV2, all pages).
  Result<std::vector<ObjectInfo>> List(const std::string& prefix);

  // Where the bucket's objects are read by default (the bucket's URL, path-style or
  // virtual-hosted as configured), without a trailing '/'.
  std::string PublicBaseUrl() const { return urls_.PublicBaseUrl(); }
  // A URL anyone may GET `key` with until `now_s` + `expires_s` (UTC seconds), signed with the
  // store's credentials and region (sigv4_presign.h; the expiry is clamped to 1 s..7 days).
  // Computed locally: nothing is sent, and whether the key exists is not checked.
  std::string PresignGetUrl(std::string_view key, int64_t now_s, int64_t expires_s) const;

  static constexpr size_t kMaxGetBytes = size_t{256} * 1024 * 1024;

 private:
  S3ObjectStore(S3Options options, S3UrlBuilder urls, ClientHooks hooks);

  // Before any bytes are sent: true when the key already holds the object whose ETag is
  // `own_etag` (a write of ours whose answer was lost, by an earlier call), false when it is
  // free; ObjectAlreadyExists when it holds anything else. An empty `own_etag` matches nothing.
  Result<bool> CheckFree(const std::string& key, const std::string& own_etag);
  Status PutSingle(const std::string& key, const RequestBody& body, const PayloadDigest& digest,
                   bool replace = false);
  Status PutMultipart(const std::string& key, int fd, uint64_t size, const std::string& path);
  // Whether the object at `key` has `etag` (our own write, whose answer was lost).
  bool HasEtag(const std::string& key, const std::string& etag);
  // A bodiless refusal of HEAD asked again as a 1-byte GET, whose <Error> says why.
  Status ExplainHeadRefusal(const std::string& key, const CallOutcome& head);
  std::string What(std::string_view method, const std::string& key) const;

  S3Options options_;
  S3UrlBuilder urls_;
  CurlSigV4Client client_;
  std::atomic<bool> conditional_writes_{true};
};

// Content-Type and Cache-Control of an object, by the key's extension (.ts, .m3u8, .mp4, ...).
std::vector<std::pair<std::string, std::string>> ObjectHeadersForKey(std::string_view key);

}  // namespace liverec::storage
