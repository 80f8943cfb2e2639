#include "storage/s3/s3_object_store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "storage/local/posix_io.h"
#include "storage/object_key_template.h"
#include "storage/s3/multipart_plan.h"
#include "storage/s3/s3_errors.h"
#include "storage/s3/s3_multipart_upload.h"
#include "storage/s3/s3_xml.h"
#include "storage/s3/sigv4_presign.h"

namespace liverec::storage {
namespace {

Status CheckKey(const std::string& key) {
  if (auto problem = CheckObjectKey(key)) {
    return Status(ErrorCode::kInvalidObjectName, {}, "\"" + key + "\": " + *problem);
  }
  return Status::Ok();
}

std::string Unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::string EmptySha256() { return DigestBytes({}).sha256_hex; }

Status Outcome(std::string_view what, const CallOutcome& out) {
  if (out.TransportFailed()) {
    return TransportStatus(what, out.curl_code, out.curl_message, out.attempts);
  }
  return ReplyStatus(what, out.reply.status, out.reply.body, out.attempts);
}

bool EndsWith(std::string_view key, std::string_view extension) {
  if (key.size() < extension.size()) return false;
  for (size_t i = 0; i < extension.size(); ++i) {
    char c = key[key.size() - extension.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != extension[i]) return false;
  }
  return true;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ObjectHeadersForKey(std::string_view key) {
  if (EndsWith(key, ".m3u8")) {
    return {{"Content-Type", "application/vnd.apple.mpegurl"}, {"Cache-Control", "no-cache"}};
  }
  if (EndsWith(key, ".ts")) return {{"Content-Type", "video/mp2t"}};
  if (EndsWith(key, ".mp4")) return {{"Content-Type", "video/mp4"}};
  if (EndsWith(key, ".flv")) return {{"Content-Type", "video/x-flv"}};
  if (EndsWith(key, ".jpg")) return {{"Content-Type", "image/jpeg"}};  // snapshots
  return {{"Content-Type", "application/octet-stream"}};
}

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Create(S3Options options, ClientHooks hooks) {
  auto endpoint = ParseS3Endpoint(options.endpoint_url);
  if (!endpoint) {
    return Error(ErrorCode::kInvalidConfiguration, "",
                 "S3 endpoint \"" + options.endpoint_url + "\" is not http(s)://host[:port]");
  }
  S3UrlBuilder urls(*endpoint, options.bucket, options.path_style);
  return std::unique_ptr<S3ObjectStore>(
      new S3ObjectStore(std::move(options), std::move(urls), std::move(hooks)));
}

S3ObjectStore::S3ObjectStore(S3Options options, S3UrlBuilder urls, ClientHooks hooks)
    : options_(std::move(options)),
      urls_(std::move(urls)),
      client_(SigV4Signing{"aws:amz", options_.region, "s3", options_.access_key_id,
                           options_.secret_access_key},
              options_, std::move(hooks)) {}

std::string S3ObjectStore::PresignGetUrl(std::string_view key, int64_t now_s,
                                         int64_t expires_s) const {
  return storage::PresignGetUrl(
      urls_, key, {options_.access_key_id, options_.secret_access_key, options_.region}, now_s,
      expires_s);
}

std::string S3ObjectStore::What(std::string_view method, const std::string& key) const {
  return std::string(method) + " " + key + " (" + urls_.Describe() + ")";
}

Result<bool> S3ObjectStore::CheckFree(const std::string& key, const std::string& own_etag) {
  auto info = Head(key);
  if (info) {
    if (!own_etag.empty() && HasEtag(key, own_etag)) {
      spdlog::info(
          "s3: {}: the key already holds these very bytes (an earlier write whose answer "
          "was lost)",
          What("PUT", key));
      return true;
    }
    return Error(ErrorCode::kObjectAlreadyExists, {}, "\"" + key + "\"");
  }
  if (info.error().code() == ErrorCode::kObjectNotFound) return false;
  return Error(info.error());
}

Status S3ObjectStore::PutFile(const std::string& key, const std::string& path) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) return StorageError("open", path, errno);
  struct stat st {};
  if (::fstat(fd.Get(), &st) != 0) return StorageError("stat", path, errno);
  auto size = static_cast<uint64_t>(st.st_size);
  if (UsesMultipart(size, options_.part_size_bytes)) {
    auto ours = CheckFree(key, "");
    if (!ours) return ours.error();
    return PutMultipart(key, fd.Get(), size, path);
  }
  auto digest = DigestFileRange(fd.Get(), 0, size, path);
  if (!digest) return digest.error();
  auto ours = CheckFree(key, digest->Md5Hex());
  if (!ours) return ours.error();
  if (*ours) return Status::Ok();
  return PutSingle(key, RequestBody{{}, fd.Get(), 0, size}, *digest);
}

Status S3ObjectStore::PutBytes(const std::string& key, std::span<const uint8_t> bytes) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  PayloadDigest digest = DigestBytes(bytes);
  auto ours = CheckFree(key, digest.Md5Hex());
  if (!ours) return ours.error();
  if (*ours) return Status::Ok();
  return PutSingle(key, RequestBody{bytes}, digest);
}

Status S3ObjectStore::ReplaceBytes(const std::string& key, std::span<const uint8_t> bytes) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  return PutSingle(key, RequestBody{bytes}, DigestBytes(bytes), /*replace=*/true);
}

Status S3ObjectStore::PutSingle(const std::string& key, const RequestBody& body,
                                const PayloadDigest& digest, bool replace) {
  for (;;) {
    bool conditional = !replace && conditional_writes_.load();
    HttpCall call{"PUT", urls_.ObjectUrl(key), ObjectHeadersForKey(key), body};
    call.headers.emplace_back("Content-MD5", digest.Md5Base64());
    call.headers.emplace_back("x-amz-content-sha256", digest.sha256_hex);
    if (conditional) call.headers.emplace_back("If-None-Match", "*");
    CallOutcome out = client_.Send(call);
    if (!out.TransportFailed() && out.reply.status == 200) return Status::Ok();
    // 412 after a resend (ours, or libcurl's own on a reused connection that died) may be our
    // first attempt's object: the same bytes are success, as for a write that was not resent.
    if (!out.TransportFailed() && out.reply.status == 412 && HasEtag(key, digest.Md5Hex())) {
      spdlog::info(
          "s3: {}: the key already holds these very bytes (an earlier attempt whose "
          "answer was lost)",
          What("PUT", key));
      return Status::Ok();
    }
    if (!out.TransportFailed() && out.reply.status == 501 && conditional) {
      spdlog::warn(
          "s3: {}: the service does not implement If-None-Match; liverec checks with "
          "HEAD only from now on",
          urls_.Describe());
      conditional_writes_ = false;
      continue;
    }
    return Outcome(What("PUT", key), out);
  }
}

Status S3ObjectStore::PutMultipart(const std::string& key, int fd, uint64_t size,
                                   const std::string& path) {
  S3MultipartUpload upload(client_, urls_, key, ObjectHeadersForKey(key), urls_.Describe());
  bool unsupported = false;
  Status status = upload.Run(
      fd, size, path, options_.part_size_bytes, conditional_writes_.load(),
      [this, &key](const std::string& etag) { return HasEtag(key, etag); }, &unsupported);
  if (unsupported) conditional_writes_ = false;
  return status;
}

bool S3ObjectStore::HasEtag(const std::string& key, const std::string& etag) {
  HttpCall call{"HEAD", urls_.ObjectUrl(key), {{"x-amz-content-sha256", EmptySha256()}}, {}};
  CallOutcome out = client_.Send(call);
  return !out.TransportFailed() && out.reply.status == 200 &&
         Unquote(out.reply.Header("etag")) == etag;
}

Result<ObjectInfo> S3ObjectStore::Head(const std::string& key) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  HttpCall call{"HEAD", urls_.ObjectUrl(key), {{"x-amz-content-sha256", EmptySha256()}}, {}};
  CallOutcome out = client_.Send(call);
  if (out.TransportFailed()) return Error(Outcome(What("HEAD", key), out));
  if (out.reply.status == 200) {
    ObjectInfo info{key, 0, 0};
    std::string length = out.reply.Header("content-length");
    info.size = length.empty() ? 0 : std::strtoull(length.c_str(), nullptr, 10);
    time_t modified = curl_getdate(out.reply.Header("last-modified").c_str(), nullptr);
    if (modified > 0) info.modified_ms = static_cast<int64_t>(modified) * 1000;
    return info;
  }
  if (out.reply.status == 404) return Error(Outcome(What("HEAD", key), out));
  return Error(ExplainHeadRefusal(key, out));
}

Status S3ObjectStore::ExplainHeadRefusal(const std::string& key, const CallOutcome& head) {
  Status refusal = Outcome(What("HEAD", key), head);
  if (head.reply.status < 400 || head.reply.status >= 500 || !head.reply.body.empty()) {
    return refusal;
  }
  HttpCall call{"GET",
                urls_.ObjectUrl(key),
                {{"Range", "bytes=0-0"}, {"x-amz-content-sha256", EmptySha256()}},
                {}};
  CallOutcome get = client_.Perform(call);
  get.attempts = 1;
  if (get.TransportFailed() || !ParseS3Error(get.reply.body)) return refusal;
  return Outcome(What("HEAD", key) + " (asked again as a 1-byte GET)", get);
}

Result<std::vector<uint8_t>> S3ObjectStore::Get(const std::string& key) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  HttpCall call{"GET", urls_.ObjectUrl(key), {{"x-amz-content-sha256", EmptySha256()}}, {}};
  call.max_response_bytes = kMaxGetBytes;
  CallOutcome out = client_.Send(call);
  if (out.TransportFailed() || out.reply.status != 200)
    return Error(Outcome(What("GET", key), out));
  return std::vector<uint8_t>(out.reply.body.begin(), out.reply.body.end());
}

Status S3ObjectStore::Delete(const std::string& key) {
  auto info = Head(key);
  if (!info) return info.error();
  HttpCall call{"DELETE", urls_.ObjectUrl(key), {{"x-amz-content-sha256", EmptySha256()}}, {}};
  CallOutcome out = client_.Send(call);
  if (!out.TransportFailed() && (out.reply.status == 204 || out.reply.status == 200)) {
    return Status::Ok();
  }
  return Outcome(What("DELETE", key), out);
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(const std::string& prefix) {
  std::vector<ObjectInfo> objects;
  std::string token;
  for (;;) {
    QueryParams query{{"list-type", "2"}, {"prefix", prefix}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    HttpCall call{"GET", urls_.BucketUrl(query), {{"x-amz-content-sha256", EmptySha256()}}, {}};
    call.max_response_bytes = 16 * 1024 * 1024;
    CallOutcome out = client_.Send(call);
    std::string what = "ListObjectsV2 prefix \"" + prefix + "\" (" + urls_.Describe() + ")";
    if (out.TransportFailed() || out.reply.status != 200) return Error(Outcome(what, out));
    auto page = ParseListPage(out.reply.body);
    if (!page) return Error(page.error().WithContext(what));
    for (auto& object : page->objects) objects.push_back(std::move(object));
    if (!page->truncated) return objects;
    if (page->next_continuation_token == token) {
      return Error(Status(ErrorCode::kStorageFailure, "", what + ": the listing does not advance"));
    }
    token = page->next_continuation_token;
  }
}

}  // namespace liverec::storage
