// CurlSigV4Client: HTTP requests signed with AWS Signature Version 4 by libcurl
// (CURLOPT_AWS_SIGV4 "aws:amz:REGION:SERVICE"), with bounded retries.
//
// What libcurl 7.88 signs, and so what callers must write (tested in sigv4_vectors_test.cc
// against AWS's published SigV4 test vectors):
// - the URL's path and query exactly as given: build them canonical (S3UrlBuilder);
// - every header the caller sets (names lower-cased), plus host and x-amz-date. A header given
//   without a value (curl's way to remove one) would be signed but not sent: never pass one;
// - the payload hash: for service "s3" pass `x-amz-content-sha256` yourself (hex SHA-256 of the
//   body); libcurl does not hash a body it streams from a file.
// A body is bytes in memory (sent as POSTFIELDS) or a range of an open file (streamed through a
// read callback, rewound for retries, never loaded whole).
// Retries: Send repeats a request on transport errors, timeouts and retryable answers
// (s3_errors.h) up to max_attempts, sleeping an exponential backoff with jitter between.
// Thread-safety: Perform and Send may be called from any thread at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/random.h"
#include "storage/s3/curl_handle_pool.h"
#include "storage/s3/s3_options.h"

namespace liverec::storage {

struct RequestBody {
  std::span<const uint8_t> bytes;  // in memory, or
  int fd = -1;                     // [offset, offset + length) of this open file
  uint64_t offset = 0;
  uint64_t length = 0;
  bool FromFile() const { return fd >= 0; }
  uint64_t Size() const { return FromFile() ? length : bytes.size(); }
};

struct HttpCall {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // every one signed
  std::optional<RequestBody> body;
  size_t max_response_bytes = 1024 * 1024;
};

struct HttpReply {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names, of the final response
  std::string body;
  // The value of a response header (lower-case name), "" when absent.
  std::string Header(const std::string& name) const;
};

// What became of a call: a reply with any status, or a transport failure.
struct CallOutcome {
  int curl_code = 0;  // CURLE_OK when a reply came
  std::string curl_message;
  HttpReply reply;
  int attempts = 0;
  bool TransportFailed() const { return curl_code != 0; }
};

struct SigV4Signing {
  std::string provider = "aws:amz";
  std::string region = "us-east-1";
  std::string service = "s3";
  std::string access_key_id;
  std::string secret_access_key;
};

// Test seams: how to wait between attempts, where jitter comes from, and (tests only) curl's
// CONNECT_TO list to reach a named host at 127.0.0.1.
struct ClientHooks {
  std::function<void(int64_t ms)> sleep;  // default: sleeps the calling thread
  RandomSource* random = nullptr;         // default: an OsRandom of the client
  std::vector<std::string> connect_to;
};

class CurlSigV4Client {
 public:
  CurlSigV4Client(SigV4Signing signing, const S3Options& options, ClientHooks hooks = {});

  // One attempt.
  CallOutcome Perform(const HttpCall& call);
  // Attempts until the outcome is not retryable or max_attempts were made.
  CallOutcome Send(const HttpCall& call);

 private:
  SigV4Signing signing_;
  S3Options options_;
  ClientHooks hooks_;
  OsRandom os_random_;
  CurlHandlePool pool_;
};

}  // namespace liverec::storage
