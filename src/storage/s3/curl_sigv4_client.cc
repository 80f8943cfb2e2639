#include "storage/s3/curl_sigv4_client.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "storage/s3/s3_errors.h"
#include "storage/s3/s3_xml.h"

namespace liverec::storage {
namespace {

constexpr char kUserAgent[] = "liverec/0.1";
constexpr int64_t kMaxConnectTimeoutMs = 10'000;

struct FileSource {
  const RequestBody* body;
  uint64_t position = 0;
  int read_errno = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* source = static_cast<FileSource*>(user);
  const RequestBody& body = *source->body;
  size_t want =
      static_cast<size_t>(std::min<uint64_t>(size * count, body.length - source->position));
  if (want == 0) return 0;
  for (;;) {
    ssize_t n = ::pread(body.fd, buffer, want, static_cast<off_t>(body.offset + source->position));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      source->read_errno = n < 0 ? errno : EIO;  // 0: the file got shorter under us
      return CURL_READFUNC_ABORT;
    }
    source->position += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
}

int SeekBody(void* user, curl_off_t offset, int origin) {
  auto* source = static_cast<FileSource*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<uint64_t>(offset) > source->body->length) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  source->position = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

struct Sink {
  std::string* body;
  size_t limit;
  bool overflow = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->limit) {
    sink->overflow = true;
    return 0;
  }
  sink->body->append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) headers->clear();  // a new response (after 100 Continue)
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  (*headers)[name] = std::string(value);
  return size * count;
}

using SList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

SList MakeList(const std::vector<std::string>& lines) {
  curl_slist* list = nullptr;
  for (const auto& line : lines) list = curl_slist_append(list, line.c_str());
  return SList(list, curl_slist_free_all);
}

}  // namespace

std::string HttpReply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

CurlSigV4Client::CurlSigV4Client(SigV4Signing signing, const S3Options& options, ClientHooks hooks)
    : signing_(std::move(signing)),
      options_(options),
      hooks_(std::move(hooks)),
      pool_(static_cast<size_t>(std::max(options.max_idle_handles, 0))) {
  if (!hooks_.sleep) {
    hooks_.sleep = [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }
  if (!hooks_.random) hooks_.random = &os_random_;
}

CallOutcome CurlSigV4Client::Perform(const HttpCall& call) {
  CallOutcome outcome;
  CurlHandlePool::Lease lease = pool_.Acquire();
  CURL* h = lease.Get();
  if (!h) {
    outcome.curl_code = CURLE_FAILED_INIT;
    outcome.curl_message = "curl_easy_init failed";
    return outcome;
  }
  std::vector<std::string> lines;
  for (const auto& [name, value] : call.headers) lines.push_back(name + ": " + value);
  SList headers = MakeList(lines);
  SList connect_to = MakeList(hooks_.connect_to);
  std::string sigv4 = signing_.provider + ":" + signing_.region + ":" + signing_.service;
  uint64_t body_size = call.body ? call.body->Size() : 0;
  int64_t timeout_ms = options_.timeout_ms + static_cast<int64_t>(body_size >> 20) * 1000;
  char error[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(h, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, signing_.access_key_id.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, signing_.secret_access_key.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (connect_to) curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(options_.timeout_ms, kMaxConnectTimeoutMs)));

  FileSource source{call.body ? &*call.body : nullptr};
  if (call.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (call.body && call.body->FromFile()) {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadBody);
    curl_easy_setopt(h, CURLOPT_READDATA, &source);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, &SeekBody);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &source);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(call.body->length));
    if (call.method != "PUT") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else if (call.body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(call.body->bytes.size()));
    // Never null: a null POSTFIELDS would mean "read the body from the read callback".
    static const char kEmpty[] = "";
    curl_easy_setopt(
        h, CURLOPT_POSTFIELDS,
        call.body->bytes.empty() ? kEmpty : reinterpret_cast<const char*>(call.body->bytes.data()));
    if (call.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else if (call.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
  Sink sink{&outcome.reply.body, call.max_response_bytes};
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &outcome.reply.headers);

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    outcome.curl_code = rc;
    if (sink.overflow) {
      outcome.curl_message =
          "reply larger than " + std::to_string(call.max_response_bytes) + " bytes";
    } else if (source.read_errno != 0) {
      outcome.curl_message = std::string("reading the body: ") + std::strerror(source.read_errno);
    } else {
      outcome.curl_message = error[0] ? error : curl_easy_strerror(rc);
    }
    return outcome;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &outcome.reply.status);
  return outcome;
}

CallOutcome CurlSigV4Client::Send(const HttpCall& call) {
  int max_attempts = std::max(options_.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    CallOutcome outcome = Perform(call);
    outcome.attempts = attempt;
    bool retry = false;
    std::string why;
    if (outcome.TransportFailed()) {
      retry = IsRetryableTransport(outcome.curl_code);
      why = outcome.curl_message;
    } else if (outcome.reply.status >= 300) {
      std::string code = ParseS3Error(outcome.reply.body).value_or(S3ErrorBody{}).code;
      retry = IsRetryableReply(outcome.reply.status, code);
      why = "HTTP " + std::to_string(outcome.reply.status) + (code.empty() ? "" : " " + code);
    }
    if (!retry || attempt >= max_attempts) return outcome;
    int64_t wait_ms = BackoffMs(options_, attempt, hooks_.random->NextU64());
    spdlog::warn("s3: {} {}: {}; retrying in {} ms (attempt {} of {})", call.method, call.url, why,
                 wait_ms, attempt + 1, max_attempts);
    hooks_.sleep(wait_ms);
  }
}

}  // namespace liverec::storage
