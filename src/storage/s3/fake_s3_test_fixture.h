// Test support (not part of the library): an in-memory S3 service on 127.0.0.1 for the
// S3ObjectStore tests. It verifies every request's SigV4 signature (sigv4_verifier), the
// x-amz-content-sha256 and Content-MD5 of bodies, and answers PUT/GET/HEAD/DELETE of objects,
// ListObjectsV2 (paged), and multipart uploads (create, parts, complete, abort) as S3 does,
// including If-None-Match: * (honoured, ignored, or refused with 501, as configured). Faults can
// be queued: a canned answer, a dropped connection, or a request carried out whose answer is
// then lost.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/crypto.h"
#include "base/percent_encoding.h"
#include "storage/s3/s3_xml.h"
#include "storage/s3/sigv4_verifier_test_fixture.h"
#include "storage/s3/test_http_server_test_fixture.h"

namespace liverec::storage::testing {

inline std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// (part number, ETag) of a CompleteMultipartUpload body, in order.
inline std::vector<std::pair<int, std::string>> CompletedParts(const std::string& xml) {
  std::vector<std::pair<int, std::string>> parts;
  auto elements = ParseXmlElements(xml);
  if (!elements) return parts;
  for (const auto& e : *elements) {
    if (e.path == "CompleteMultipartUpload/Part/PartNumber")
      parts.emplace_back(std::stoi(e.text), "");
    if (e.path == "CompleteMultipartUpload/Part/ETag" && !parts.empty())
      parts.back().second = e.text;
  }
  return parts;
}

struct FakeS3Options {
  std::string bucket = "media";
  std::string access_key_id = "AKIDLIVERECTEST";
  std::string secret = "fake-secret-0123456789";
  std::string region = "us-east-1";
  enum class IfNoneMatch { kHonour, kIgnore, kNotImplemented } if_none_match = IfNoneMatch::kHonour;
  size_t list_page_size = 1000;
};

struct Fault {
  enum class Kind { kAnswer, kDrop, kCarryOutThenDrop };
  std::string method;  // "" = any request
  Kind kind = Kind::kAnswer;
  TestHttpResponse answer;  // kAnswer
  std::string target_has;   // "" = any target; else a substring the target must contain
};

class FakeS3 {
 public:
  struct Object {
    std::string bytes;
    std::string etag;  // without quotes
    std::string content_type;
  };

  explicit FakeS3(FakeS3Options options = {})
      : options_(std::move(options)),
        server_([this](const TestHttpRequest& r) { return Handle(r); }) {}

  std::string Url() const { return server_.Url(); }
  const FakeS3Options& Options() const { return options_; }
  TestHttpServer& Server() { return server_; }

  void QueueFault(Fault fault) {
    std::lock_guard lock(mutex_);
    faults_.push_back(std::move(fault));
  }
  void PutObjectDirectly(const std::string& key, const std::string& bytes) {
    std::lock_guard lock(mutex_);
    objects_[key] = {bytes, HexEncode(Md5(bytes)), "application/octet-stream"};
  }
  std::optional<Object> Find(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  size_t OpenUploads() {
    std::lock_guard lock(mutex_);
    return uploads_.size();
  }
  int Aborts() {
    std::lock_guard lock(mutex_);
    return aborts_;
  }
  std::vector<TestHttpRequest> Requests() { return server_.Requests(); }
  // "METHOD /target" of every request, in order.
  std::vector<std::string> RequestLines() {
    std::vector<std::string> lines;
    for (const auto& r : server_.Requests()) lines.push_back(r.method + " " + r.target);
    return lines;
  }

 private:
  using Query = std::map<std::string, std::string>;

  static Query ParseQuery(const std::string& target) {
    Query query;
    auto q = target.find('?');
    if (q == std::string::npos) return query;
    for (const auto& [name, value] : ParseFormPairs(target.substr(q + 1))) query[name] = value;
    return query;
  }

  static TestHttpResponse ErrorAnswer(int status, const std::string& code,
                                      const std::string& message) {
    return {status,
            {{"Content-Type", "application/xml"}},
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" +
                message + "</Message><RequestId>fake-1</RequestId></Error>"};
  }

  TestHttpResponse Handle(const TestHttpRequest& request) {
    std::optional<Fault> fault;
    {
      std::lock_guard lock(mutex_);
      for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        if ((it->method.empty() || it->method == request.method) &&
            request.target.find(it->target_has) != std::string::npos) {
          fault = *it;
          faults_.erase(it);
          break;
        }
      }
    }
    if (fault && fault->kind == Fault::Kind::kAnswer) return fault->answer;
    if (fault && fault->kind == Fault::Kind::kDrop) return {.drop = true};
    TestHttpResponse answer = Serve(request);
    if (fault) answer.drop = true;  // kCarryOutThenDrop
    return answer;
  }

  TestHttpResponse Serve(const TestHttpRequest& request) {
    SigV4Verdict verdict = VerifySigV4(request, options_.secret, options_.region, "s3");
    if (verdict.access_key_id != options_.access_key_id) {
      return ErrorAnswer(403, "InvalidAccessKeyId",
                         "The AWS Access Key Id you provided does not exist.");
    }
    if (!verdict.ok) return ErrorAnswer(403, "SignatureDoesNotMatch", verdict.why);
    std::string sha = request.Header("x-amz-content-sha256");
    if (sha != HexEncode(Sha256(request.body))) {
      return ErrorAnswer(400, "XAmzContentSHA256Mismatch",
                         "x-amz-content-sha256 is not the body's");
    }
    std::string md5 = request.Header("content-md5");
    if (!md5.empty() && md5 != Base64Encode(Md5(request.body))) {
      return ErrorAnswer(400, "BadDigest", "Content-MD5 is not the body's");
    }
    std::string path = request.target.substr(0, request.target.find('?'));
    Query query = ParseQuery(request.target);
    auto slash = path.find('/', 1);
    std::string bucket =
        FormDecode(path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1));
    std::string key = slash == std::string::npos ? "" : PercentDecode(path.substr(slash + 1));
    if (request.Header("host").starts_with(options_.bucket + ".")) {  // virtual-hosted style
      bucket = options_.bucket;
      key = PercentDecode(path.substr(1));
    }
    if (bucket != options_.bucket)
      return ErrorAnswer(404, "NoSuchBucket", "The specified bucket does not exist");
    std::lock_guard lock(mutex_);
    if (key.empty() && request.method == "GET" && query.contains("list-type")) return List(query);
    if (request.method == "POST" && query.contains("uploads")) return CreateUpload(request);
    if (request.method == "PUT" && query.contains("uploadId")) return UploadPart(request, query);
    if (request.method == "POST" && query.contains("uploadId"))
      return Complete(request, key, query);
    if (request.method == "DELETE" && query.contains("uploadId")) {
      aborts_ += uploads_.erase(query["uploadId"]) ? 1 : 0;
      return {204};
    }
    if (request.method == "PUT") return PutObject(request, key, request.body);
    if (request.method == "DELETE") {
      objects_.erase(key);
      return {204};
    }
    auto it = objects_.find(key);
    if (it == objects_.end()) {
      return request.method == "HEAD"
                 ? TestHttpResponse{404}
                 : ErrorAnswer(404, "NoSuchKey", "The specified key does not exist.");
    }
    TestHttpResponse found{200,
                           {{"ETag", "\"" + it->second.etag + "\""},
                            {"Content-Type", it->second.content_type},
                            {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}},
                           it->second.bytes};
    if (request.method == "HEAD")
      found.content_length = static_cast<int64_t>(it->second.bytes.size());
    if (request.method == "GET" && request.Header("range") == "bytes=0-0") {
      found.status = 206;
      found.body = found.body.substr(0, 1);
    }
    return found;
  }

  TestHttpResponse PutObject(const TestHttpRequest& request, const std::string& key,
                             const std::string& bytes, std::string etag = {}) {
    if (request.Header("if-none-match") == "*") {
      using Mode = FakeS3Options::IfNoneMatch;
      if (options_.if_none_match == Mode::kNotImplemented) {
        return ErrorAnswer(501, "NotImplemented",
                           "A header you provided implies functionality that is not implemented");
      }
      if (options_.if_none_match == Mode::kHonour && objects_.contains(key)) {
        return ErrorAnswer(412, "PreconditionFailed",
                           "At least one of the pre-conditions you specified did not hold");
      }
    }
    if (etag.empty()) etag = HexEncode(Md5(bytes));
    objects_[key] = {bytes, etag, request.Header("content-type")};
    return {200, {{"ETag", "\"" + etag + "\""}}};
  }

  TestHttpResponse CreateUpload(const TestHttpRequest& request) {
    std::string id = "upload-" + std::to_string(++next_upload_);
    uploads_[id] = Upload{request.Header("content-type"), {}};
    return {200,
            {},
            "<InitiateMultipartUploadResult><UploadId>" + id +
                "</UploadId></InitiateMultipartUploadResult>"};
  }

  TestHttpResponse UploadPart(const TestHttpRequest& request, Query& query) {
    auto it = uploads_.find(query["uploadId"]);
    if (it == uploads_.end())
      return ErrorAnswer(404, "NoSuchUpload", "The specified upload does not exist.");
    it->second.parts[std::stoi(query["partNumber"])] = request.body;
    return {200, {{"ETag", "\"" + HexEncode(Md5(request.body)) + "\""}}};
  }

  TestHttpResponse Complete(const TestHttpRequest& request, const std::string& key, Query& query) {
    auto it = uploads_.find(query["uploadId"]);
    if (it == uploads_.end())
      return ErrorAnswer(404, "NoSuchUpload", "The specified upload does not exist.");
    std::string bytes, md5s;
    auto named = CompletedParts(request.body);
    for (size_t i = 0; i < named.size(); ++i) {
      auto part = it->second.parts.find(static_cast<int>(i + 1));
      if (named[i].first != static_cast<int>(i + 1) || part == it->second.parts.end() ||
          named[i].second != "\"" + HexEncode(Md5(part->second)) + "\"") {
        return ErrorAnswer(400, "InvalidPart",
                           "One or more of the specified parts could not be found.");
      }
      if (i + 1 < named.size() && part->second.size() < 5 * 1024 * 1024) {
        return ErrorAnswer(400, "EntityTooSmall",
                           "Your proposed upload is smaller than the minimum allowed object size.");
      }
      bytes += part->second;
      md5s += Md5(part->second);
    }
    TestHttpRequest as_put = request;
    as_put.headers["content-type"] = it->second.content_type;
    TestHttpResponse answer =
        PutObject(as_put, key, bytes, HexEncode(Md5(md5s)) + "-" + std::to_string(named.size()));
    if (answer.status != 200) return answer;
    uploads_.erase(it);
    return {
        200,
        {},
        "<CompleteMultipartUploadResult><Key>" + key + "</Key></CompleteMultipartUploadResult>"};
  }

  TestHttpResponse List(Query& query) {
    std::string prefix = query["prefix"];
    std::string after = query["continuation-token"];
    std::string xml = "<ListBucketResult>";
    size_t listed = 0;
    std::string last;
    bool truncated = false;
    for (auto it = objects_.lower_bound(after.empty() ? prefix : after); it != objects_.end();
         ++it) {
      if (!it->first.starts_with(prefix) || it->first == after) continue;
      if (listed == options_.list_page_size) {
        truncated = true;
        break;
      }
      xml += "<Contents><Key>" + it->first +
             "</Key><LastModified>2015-10-21T07:28:00.000Z</LastModified><Size>" +
             std::to_string(it->second.bytes.size()) + "</Size></Contents>";
      last = it->first;
      ++listed;
    }
    xml += std::string("<IsTruncated>") + (truncated ? "true" : "false") + "</IsTruncated>";
    if (truncated) xml += "<NextContinuationToken>" + last + "</NextContinuationToken>";
    return {200, {}, xml + "</ListBucketResult>"};
  }

  struct Upload {
    std::string content_type;
    std::map<int, std::string> parts;
  };

  FakeS3Options options_;
  std::mutex mutex_;
  std::deque<Fault> faults_;
  std::map<std::string, Object> objects_;
  std::map<std::string, Upload> uploads_;
  int next_upload_ = 0;
  int aborts_ = 0;
  TestHttpServer server_;  // last: stopped first
};

}  // namespace liverec::storage::testing
