#include "server/router.h"

#include <filesystem>

#include "base/percent_encoding.h"
#include "storage/object_key_template.h"

namespace liverec::server {
namespace {

net::HttpResponse Text(int status, std::string body) {
  return net::HttpResponse{status, "text/plain; charset=utf-8", std::move(body), "", {}};
}

std::string ContentTypeOf(const std::string& key) {
  auto ends = [&](std::string_view ext) { return key.ends_with(ext); };
  if (ends(".m3u8")) return "application/vnd.apple.mpegurl";
  if (ends(".ts")) return "video/mp2t";
  if (ends(".mp4")) return "video/mp4";
  if (ends(".flv")) return "video/x-flv";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace

Router::Router(api::ApiService& api, const config::Config& config) : api_(api) {
  for (const auto& bucket : config.buckets) {
    if (bucket.backend == "local" && bucket.endpoint == "local") {
      local_buckets_[bucket.name] = bucket.path;
    }
  }
}

net::HttpResponse Router::Handle(const net::HttpRequest& request) {
  std::string_view target = request.target;
  std::string path = FormDecode(target.substr(0, target.find('?')));
  if (path == "/") return api_.Handle(request);
  if (path == "/healthz") return Text(200, "ok\n");
  return ServeObject(request, path);
}

net::HttpResponse Router::ServeObject(const net::HttpRequest& request, const std::string& path) {
  if (request.method != "GET" && request.method != "HEAD") return Text(405, "method not allowed\n");
  auto slash = path.find('/', 1);
  if (slash == std::string::npos) return Text(404, "not found\n");
  auto bucket = local_buckets_.find(path.substr(1, slash - 1));
  if (bucket == local_buckets_.end()) return Text(404, "not found\n");
  std::string key = path.substr(slash + 1);
  // The key rules forbid '..' and absolute paths, so the file stays inside the bucket.
  if (storage::CheckObjectKey(key)) return Text(404, "not found\n");
  std::filesystem::path file = std::filesystem::path(bucket->second) / key;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return Text(404, "not found\n");
  net::HttpResponse response{200, ContentTypeOf(key), "", file.string(), {}};
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return response;
}

}  // namespace liverec::server
