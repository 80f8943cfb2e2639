// Router: which handler answers an HTTP request. `/` is the RPC API; `/healthz` says the server
// is up; `/<bucket>/<key>` reads an object of a local bucket (GET/HEAD, byte ranges; see
// BucketFileServer), so recording URLs play. The URL path is percent-decoded ('+' stays '+')
// before it is matched.
// Thread-safety: Handle may be called from many worker threads.
#pragma once

#include "api/api_service.h"
#include "config/config.h"
#include "net/http_message.h"
#include "server/bucket_file_server.h"

namespace liverec::server {

class Router {
 public:
  Router(api::ApiService& api, const config::Config& config);

  net::HttpResponse Handle(const net::HttpRequest& request);

 private:
  api::ApiService& api_;
  BucketFileServer files_;  // the local buckets (backend and endpoint "local")
};

}  // namespace liverec::server
