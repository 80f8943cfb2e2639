#include "storage/s3/s3_multipart_upload.h"

#include <spdlog/spdlog.h>

#include "storage/s3/multipart_plan.h"
#include "storage/s3/payload_digest.h"
#include "storage/s3/s3_errors.h"
#include "storage/s3/s3_xml.h"

namespace liverec::storage {
namespace {

// Rounds of CompleteMultipartUpload answered 200 with a retryable <Error> body (S3 may do that
// after it has started sending its answer).
constexpr int kCompleteRounds = 3;

std::span<const uint8_t> AsBytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace

S3MultipartUpload::S3MultipartUpload(CurlSigV4Client& client, const S3UrlBuilder& urls,
                                     std::string key, Headers object_headers, std::string describe)
    : client_(client),
      urls_(urls),
      key_(std::move(key)),
      object_headers_(std::move(object_headers)),
      describe_(std::move(describe)) {}

std::string S3MultipartUpload::What(std::string_view step) const {
  return std::string(step) + " " + key_ + " (" + describe_ + ")";
}

Status S3MultipartUpload::Run(int fd, uint64_t size, const std::string& path, uint64_t part_size,
                              bool conditional, const OwnObjectCheck& is_own_object,
                              bool* conditional_unsupported) {
  LIVEREC_RETURN_IF_ERROR(Create());
  Status status = UploadParts(fd, size, path, part_size);
  if (status.ok()) status = Complete(conditional, is_own_object, conditional_unsupported);
  if (!status.ok()) Abort();
  return status;
}

Status S3MultipartUpload::Create() {
  static const std::string kEmpty;
  HttpCall call{"POST", urls_.ObjectUrl(key_, {{"uploads", ""}}), object_headers_,
                RequestBody{AsBytes(kEmpty)}};
  call.headers.emplace_back("x-amz-content-sha256", DigestBytes({}).sha256_hex);
  CallOutcome out = client_.Send(call);
  if (out.TransportFailed()) {
    return TransportStatus(What("CreateMultipartUpload"), out.curl_code, out.curl_message,
                           out.attempts);
  }
  if (out.reply.status != 200) {
    return ReplyStatus(What("CreateMultipartUpload"), out.reply.status, out.reply.body,
                       out.attempts);
  }
  auto id = ParseUploadId(out.reply.body);
  if (!id) return id.error().WithContext(What("CreateMultipartUpload"));
  upload_id_ = *id;
  return Status::Ok();
}

Status S3MultipartUpload::UploadParts(int fd, uint64_t size, const std::string& path,
                                      uint64_t part_size) {
  for (const PartRange& part : PlanParts(size, part_size)) {
    auto digest = DigestFileRange(fd, part.offset, part.length, path);
    if (!digest) return digest.error();
    std::string step = "UploadPart " + std::to_string(part.number);
    HttpCall call{
        "PUT",
        urls_.ObjectUrl(key_,
                        {{"partNumber", std::to_string(part.number)}, {"uploadId", upload_id_}}),
        {{"Content-MD5", digest->Md5Base64()}, {"x-amz-content-sha256", digest->sha256_hex}},
        RequestBody{{}, fd, part.offset, part.length}};
    CallOutcome out = client_.Send(call);
    if (out.TransportFailed()) {
      return TransportStatus(What(step), out.curl_code, out.curl_message, out.attempts);
    }
    if (out.reply.status != 200) {
      return ReplyStatus(What(step), out.reply.status, out.reply.body, out.attempts);
    }
    std::string etag = out.reply.Header("etag");
    if (etag.empty()) {
      return Status(ErrorCode::kStorageFailure, "", What(step) + ": the reply has no ETag");
    }
    etags_.push_back(etag);
    part_md5s_.push_back(digest->md5);
  }
  expected_etag_ = MultipartEtag(part_md5s_);
  return Status::Ok();
}

Status S3MultipartUpload::Complete(bool conditional, const OwnObjectCheck& is_own_object,
                                   bool* conditional_unsupported) {
  std::string xml = CompleteMultipartXml(etags_);
  PayloadDigest digest = DigestBytes(AsBytes(xml));
  int attempts = 0;
  for (int round = 1;; ++round) {
    HttpCall call{"POST",
                  urls_.ObjectUrl(key_, {{"uploadId", upload_id_}}),
                  {{"Content-Type", "application/xml"},
                   {"Content-MD5", digest.Md5Base64()},
                   {"x-amz-content-sha256", digest.sha256_hex}},
                  RequestBody{AsBytes(xml)}};
    if (conditional) call.headers.emplace_back("If-None-Match", "*");
    CallOutcome out = client_.Send(call);
    attempts += out.attempts;
    std::string what = What("CompleteMultipartUpload");
    if (out.TransportFailed()) {
      return TransportStatus(what, out.curl_code, out.curl_message, attempts);
    }
    long status = out.reply.status;
    auto error = ParseS3Error(out.reply.body);
    if (status == 200 && !error) return Status::Ok();
    if (status == 200) {  // an <Error> in a 200 answer
      if (IsRetryableReply(500, error->code) && round < kCompleteRounds) continue;
      return ReplyStatus(what, 500, out.reply.body, attempts);
    }
    // After a resend (ours, or libcurl's own on a reused connection that died) the first
    // completion may have happened: the object then has exactly our ETag.
    if ((status == 412 || (status == 404 && error && error->code == "NoSuchUpload")) &&
        is_own_object && is_own_object(expected_etag_)) {
      spdlog::info("s3: {}: completed by an earlier attempt whose answer was lost", what);
      return Status::Ok();
    }
    if (status == 501 && conditional) {
      spdlog::warn("s3: {}: the service does not implement If-None-Match; asking without it", what);
      conditional = false;
      if (conditional_unsupported) *conditional_unsupported = true;
      continue;
    }
    return ReplyStatus(what, status, out.reply.body, attempts);
  }
}

void S3MultipartUpload::Abort() {
  if (upload_id_.empty()) return;
  HttpCall call{"DELETE",
                urls_.ObjectUrl(key_, {{"uploadId", upload_id_}}),
                {{"x-amz-content-sha256", DigestBytes({}).sha256_hex}},
                std::nullopt};
  CallOutcome out = client_.Send(call);
  if (out.TransportFailed() ||
      (out.reply.status != 204 && out.reply.status != 200 && out.reply.status != 404)) {
    Status status = out.TransportFailed()
                        ? TransportStatus(What("AbortMultipartUpload"), out.curl_code,
                                          out.curl_message, out.attempts)
                        : ReplyStatus(What("AbortMultipartUpload"), out.reply.status,
                                      out.reply.body, out.attempts);
    spdlog::warn("s3: {}; its parts stay until a lifecycle rule removes them (upload id {})",
                 status.ToString(), upload_id_);
  }
}

}  // namespace liverec::storage
