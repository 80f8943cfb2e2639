// S3MultipartUpload: one file uploaded as CreateMultipartUpload, UploadPart for each part
// (multipart_plan.h; parts one after another, each read from the file in place and retried on
// its own), then CompleteMultipartUpload. Any failure after Create sends AbortMultipartUpload
// so no parts are left behind (if even the abort fails, the log says so: a bucket lifecycle rule
// for incomplete multipart uploads is the safety net).
// Thread-safety: one upload belongs to one thread; many uploads may share the client.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "storage/s3/curl_sigv4_client.h"
#include "storage/s3/s3_url.h"

namespace liverec::storage {

class S3MultipartUpload {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  // Whether the object now at the key has this ETag (then a completion whose answer was lost
  // had in fact succeeded).
  using OwnObjectCheck = std::function<bool(const std::string& etag)>;

  S3MultipartUpload(CurlSigV4Client& client, const S3UrlBuilder& urls, std::string key,
                    Headers object_headers, std::string describe);

  // Uploads bytes [0, size) of the open file `fd` (`path` names it in messages) in parts of
  // about `part_size`. `conditional`: Complete carries If-None-Match: * (412 ->
  // ObjectAlreadyExists); if the service answers 501 to it, it is asked again without and
  // *conditional_unsupported is set.
  Status Run(int fd, uint64_t size, const std::string& path, uint64_t part_size, bool conditional,
             const OwnObjectCheck& is_own_object, bool* conditional_unsupported);

  // The ETag S3 gives the completed object (known once the parts are up).
  const std::string& ExpectedEtag() const { return expected_etag_; }

 private:
  Status Create();
  Status UploadParts(int fd, uint64_t size, const std::string& path, uint64_t part_size);
  Status Complete(bool conditional, const OwnObjectCheck& is_own_object,
                  bool* conditional_unsupported);
  void Abort();
  std::string What(std::string_view step) const;

  CurlSigV4Client& client_;
  const S3UrlBuilder& urls_;
  std::string key_;
  Headers object_headers_;
  std::string describe_;
  std::string upload_id_;
  std::vector<std::string> etags_;      // as the service returned them, part 1 first
  std::vector<std::string> part_md5s_;  // raw MD5 of each part
  std::string expected_etag_;
};

}  // namespace liverec::storage
