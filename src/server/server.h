// Server: the composition root. Builds the object graph from a Config — database, repositories,
// API service, HTTP server — and runs it until stopped. The only place that names concrete
// backends (SQLite, local buckets).
// Thread-safety: Start and Wait from the main thread; Stop from any thread or a signal handler.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "base/status.h"
#include "config/config.h"
#include "server/bootstrap.h"

namespace liverec::server {

struct StartInfo {
  std::string http_address;  // "127.0.0.1:8080", with the bound port
  std::string rtmp_address;  // "127.0.0.1:1935", with the bound port
  DefaultCredentials credentials;
  // (OssEndpoint, OssBucket) -> base of RecordUrls, for the buckets liverec does not serve (S3).
  std::map<std::pair<std::string, std::string>, std::string> bucket_urls;
};

class Server {
 public:
  explicit Server(config::Config config);
  ~Server();

  // Opens the database, migrates, bootstraps, binds the listeners and starts serving. From its
  // successful return on, SIGINT and SIGTERM are caught (and held for Wait).
  Result<StartInfo> Start();
  // Blocks until SIGINT or SIGTERM (or Stop), then shuts down. Each SIGHUP meanwhile calls
  // `on_hangup` (on the waiting thread): the caller reloads its config and hands it to
  // ReloadBucketAccess. Without one, a SIGHUP is logged and ignored.
  void Wait(std::function<void()> on_hangup = {});
  // Applies the bucket access of a reloaded config (access, url_expiry_s, url_key of the running
  // buckets; other bucket changes are logged as waiting for a restart) to the next request.
  // Call from Wait's on_hangup. Errors (the database) leave the access as it was.
  Status ReloadBucketAccess(const config::Config& reloaded);
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liverec::server
