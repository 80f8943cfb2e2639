// Router: which handler answers an HTTP request. `/` is the RPC API; `/healthz` says whether
// the server can serve (HealthCheck: 200 "ok", or 503 and a short reason); `/metrics` serves
// the metric registry in the Prometheus text format (GET only; only when a registry is given,
// i.e. [metrics] enabled); `/version` the version and commit as JSON and `/docs/errors` the
// error catalogue that every error's Recommend links to (GET only); `/console/` the web console
// (ConsoleHandler); `/<bucket>/<key>` reads an
// object of a local bucket (GET/HEAD, byte ranges; see BucketFileServer), so recording URLs
// play. Local buckets may not take the names these paths use (config::IsReservedBucketName).
// A private bucket's objects are answered only with a valid token (BucketAccess::Admit); any
// refusal is the same 403 "forbidden", whether the object exists or not, counted by reason in
// `liverec_bucket_requests_refused_total{reason}`. A playlist read through a token comes with
// tokens on its segment URIs (BucketAccess::SignPlaylist). `/_playlists/<endpoint>/<bucket>/<key>`
// serves a private S3 bucket's playlist with its segments presigned (ReadRemotePlaylist);
// `/_watch/...` a stream's watch playlist (WatchPlaylist), refused as the buckets are.
// The URL path is percent-decoded ('+' stays '+') before it is matched.
// Thread-safety: Handle may be called from many worker threads.
#pragma once

#include <functional>

#include "api/api_service.h"
#include "base/metrics.h"
#include "config/config.h"
#include "net/http_message.h"
#include "server/bucket_access.h"
#include "server/bucket_file_server.h"
#include "server/console/console_handler.h"
#include "server/watch_playlist.h"

namespace liverec::server {

// What /healthz, /metrics and /_watch/ answer from.
struct RouterProbes {
  std::function<Status()> health;                    // null: always healthy
  const metrics::MetricRegistry* metrics = nullptr;  // null: /metrics is not served
  // Where refusals of bucket requests are counted; null: not counted.
  metrics::Family<metrics::Counter>* bucket_refusals = nullptr;
  const WatchPlaylist* watch = nullptr;  // null: /_watch/ is 404
};

class Router {
 public:
  // `access` decides who reads the local buckets; it outlives the router.
  Router(api::ApiService& api, const config::Config& config, const BucketAccess& access,
         RouterProbes probes = {});

  net::HttpResponse Handle(const net::HttpRequest& request);

 private:
  net::HttpResponse Health() const;
  net::HttpResponse Metrics(const net::HttpRequest& request) const;
  net::HttpResponse Version(const net::HttpRequest& request) const;
  net::HttpResponse ErrorCatalogue(const net::HttpRequest& request) const;
  net::HttpResponse Bucket(const net::HttpRequest& request, const std::string& path,
                           std::string_view query) const;
  net::HttpResponse RemotePlaylist(const net::HttpRequest& request, const std::string& path,
                                   std::string_view query) const;
  net::HttpResponse Watch(const net::HttpRequest& request, const std::string& path,
                          std::string_view query) const;
  // A playlist made when asked for (ReadRemotePlaylist, WatchPlaylist): 403 as the buckets',
  // 404, another failure in `failure`'s words, or the playlist.
  net::HttpResponse MadePlaylist(int status, std::string text, storage::UrlTokenCheck check,
                                 std::string_view failure) const;
  net::HttpResponse Forbidden(storage::UrlTokenCheck why) const;

  api::ApiService& api_;
  BucketFileServer files_;  // the local buckets (backend and endpoint "local")
  ConsoleHandler console_;  // /console/: the web console
  const BucketAccess& access_;
  RouterProbes probes_;
};

}  // namespace liverec::server
