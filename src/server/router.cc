#include "server/router.h"

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/watch_path.h"
#include "base/build_info.h"
#include "base/metrics_exposition.h"
#include "server/error_catalogue_page.h"

namespace liverec::server {
namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";

net::HttpResponse OnlyGetOrHead() {
  return net::HttpResponse{
      405, std::string(kTextPlain), "method not allowed\n", "", {{"Allow", "GET, HEAD"}}};
}

net::HttpResponse OnlyGet() {
  return net::HttpResponse{405, std::string(kTextPlain), "only GET\n", "", {{"Allow", "GET"}}};
}

std::map<std::string, std::string> LocalBuckets(const config::Config& config) {
  std::map<std::string, std::string> buckets;  // bucket name -> directory
  for (const auto& bucket : config.buckets) {
    if (bucket.backend == "local" && bucket.endpoint == "local") buckets[bucket.name] = bucket.path;
  }
  return buckets;
}

// Where the console's players read recordings when that is not the console's own origin: the
// configured public URL (another name for this server) and the S3 buckets' URLs.
std::vector<std::string> RecordingOrigins(const config::Config& config,
                                          const BucketAccess& access) {
  std::vector<std::string> origins;
  if (!config.public_url.empty()) origins.push_back(OriginOf(config.public_url));
  for (const BucketAccessEntry& bucket : access.buckets()) {
    if (!bucket.served && !bucket.base_url.empty()) origins.push_back(OriginOf(bucket.base_url));
  }
  return origins;
}

}  // namespace

Router::Router(api::ApiService& api, const config::Config& config, const BucketAccess& access,
               RouterProbes probes)
    : api_(api),
      files_(LocalBuckets(config)),
      console_(RecordingOrigins(config, access)),
      access_(access),
      probes_(std::move(probes)) {}

net::HttpResponse Router::Handle(const net::HttpRequest& request) {
  std::string_view target = request.target;
  auto question = target.find('?');
  std::string path = PercentDecodePath(target.substr(0, question));
  std::string_view query = question == std::string_view::npos ? "" : target.substr(question + 1);
  if (path == "/") return api_.Handle(request);
  if (path == "/healthz") return Health();
  if (path == "/metrics" && probes_.metrics) return Metrics(request);
  if (path == "/version") return Version(request);
  if (path == "/docs/errors") return ErrorCatalogue(request);
  if (path == "/console" || path.starts_with("/console/")) return console_.Serve(request, path);
  return Bucket(request, path, query);
}

net::HttpResponse Router::Forbidden(storage::UrlTokenCheck why) const {
  if (probes_.bucket_refusals)
    probes_.bucket_refusals->With({storage::UrlTokenCheckName(why)}).Add(1);
  // The same answer for every refusal: nothing about what exists or why.
  return net::HttpResponse{403, std::string(kTextPlain), "forbidden\n", "", {}};
}

net::HttpResponse Router::MadePlaylist(int status, std::string text, storage::UrlTokenCheck check,
                                       std::string_view failure) const {
  if (status == 403) return Forbidden(check);
  if (status != 200) {
    return net::HttpResponse{status,
                             std::string(kTextPlain),
                             status == 404 ? "not found\n" : std::string(failure),
                             "",
                             {}};
  }
  return net::HttpResponse{
      200,
      ContentTypeForKey(".m3u8"),
      std::move(text),
      "",
      {{"Cache-Control", "private, no-cache"}, {"Access-Control-Allow-Origin", "*"}}};
}

net::HttpResponse Router::RemotePlaylist(const net::HttpRequest& request, const std::string& path,
                                         std::string_view query) const {
  if (request.method != "GET" && request.method != "HEAD") return OnlyGetOrHead();
  server::RemotePlaylist playlist = access_.ReadRemotePlaylist(path, query);
  return MadePlaylist(playlist.status, std::move(playlist.text), playlist.check,
                      "the bucket failed\n");
}

net::HttpResponse Router::Watch(const net::HttpRequest& request, const std::string& path,
                                std::string_view query) const {
  if (request.method != "GET" && request.method != "HEAD") return OnlyGetOrHead();
  if (!probes_.watch) return files_.Serve(request, path);  // 404
  WatchAnswer answer = probes_.watch->Build(path, query);
  return MadePlaylist(answer.status, std::move(answer.text), answer.check, "the index failed\n");
}

net::HttpResponse Router::Bucket(const net::HttpRequest& request, const std::string& path,
                                 std::string_view query) const {
  if (path.starts_with(kRemotePlaylistPath)) return RemotePlaylist(request, path, query);
  if (path.starts_with(api::kWatchPathPrefix)) return Watch(request, path, query);
  // A target that is not a path ("?x", "*", "x/y") names no bucket: 404 as a missing one.
  if (!path.starts_with('/')) return files_.Serve(request, path);
  auto slash = path.find('/', 1);
  std::string bucket = path.substr(1, slash == std::string::npos ? 0 : slash - 1);
  if (!files_.Serves(bucket)) return files_.Serve(request, path);  // 404
  BucketAdmission admission = access_.Admit(bucket, path, query);
  if (!admission.allowed) return Forbidden(admission.check);
  if (!admission.by_token) return files_.Serve(request, path);
  BucketFileServer::PlaylistRewrite rewrite = [&](std::string_view text) {
    return access_.SignPlaylist(bucket, path, text, admission.expires_s);
  };
  return files_.Serve(request, path, &rewrite);
}

net::HttpResponse Router::Health() const {
  Status health = probes_.health ? probes_.health() : Status::Ok();
  if (health.ok()) return net::HttpResponse{200, std::string(kTextPlain), "ok\n", "", {}};
  return net::HttpResponse{
      503, std::string(kTextPlain), "unavailable: " + health.detail() + "\n", "", {}};
}

net::HttpResponse Router::Metrics(const net::HttpRequest& request) const {
  if (request.method != "GET") return OnlyGet();
  return net::HttpResponse{
      200, std::string(metrics::kExpositionContentType), probes_.metrics->Render(), "", {}};
}

net::HttpResponse Router::Version(const net::HttpRequest& request) const {
  if (request.method != "GET") return OnlyGet();
  nlohmann::json body{{"version", BuildVersion()}, {"commit", BuildCommit()}};
  return net::HttpResponse{200, "application/json", body.dump() + "\n", "", {}};
}

net::HttpResponse Router::ErrorCatalogue(const net::HttpRequest& request) const {
  if (request.method != "GET") return OnlyGet();
  return net::HttpResponse{200, "text/html; charset=utf-8", ErrorCataloguePage(), "", {}};
}

}  // namespace liverec::server
