// Router: which handler answers an HTTP request. `/` is the RPC API; `/healthz` says the server
// is up; `/<bucket>/<key>` reads an object of a local bucket (GET/HEAD), so recording URLs play.
// Thread-safety: Handle may be called from many worker threads.
#pragma once

#include <map>
#include <string>

#include "api/api_service.h"
#include "config/config.h"
#include "net/http_message.h"

namespace liverec::server {

class Router {
 public:
  Router(api::ApiService& api, const config::Config& config);

  net::HttpResponse Handle(const net::HttpRequest& request);

 private:
  net::HttpResponse ServeObject(const net::HttpRequest& request, const std::string& path);

  api::ApiService& api_;
  std::map<std::string, std::string> local_buckets_;  // bucket name -> directory (endpoint local)
};

}  // namespace liverec::server
