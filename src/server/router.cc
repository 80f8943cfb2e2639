#include "server/router.h"

#include <map>
#include <string>
#include <string_view>

namespace liverec::server {
namespace {

std::map<std::string, std::string> LocalBuckets(const config::Config& config) {
  std::map<std::string, std::string> buckets;  // bucket name -> directory
  for (const auto& bucket : config.buckets) {
    if (bucket.backend == "local" && bucket.endpoint == "local") buckets[bucket.name] = bucket.path;
  }
  return buckets;
}

}  // namespace

Router::Router(api::ApiService& api, const config::Config& config)
    : api_(api), files_(LocalBuckets(config)) {}

net::HttpResponse Router::Handle(const net::HttpRequest& request) {
  std::string_view target = request.target;
  std::string path = PercentDecodePath(target.substr(0, target.find('?')));
  if (path == "/") return api_.Handle(request);
  if (path == "/healthz") {
    return net::HttpResponse{200, "text/plain; charset=utf-8", "ok\n", "", {}};
  }
  return files_.Serve(request, path);
}

}  // namespace liverec::server
