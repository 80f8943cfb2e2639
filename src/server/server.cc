#include "server/server.h"

#include <filesystem>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include "api/api_service.h"
#include "base/clock.h"
#include "base/random.h"
#include "metadata/migrations.h"
#include "metadata/record_config_repository.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"
#include "net/http_server.h"
#include "server/router.h"

namespace liverec::server {

namespace {

api::RecordLimits RecordLimitsOf(const config::Config& config) {
  api::RecordLimits limits;
  if (config.testing.enabled) {
    spdlog::warn("testing section enabled: API minimums lowered (DelayTime >= {} s, "
                 "CycleDuration >= {} s, SliceDuration >= {} s). Never use this in production.",
                 config.testing.min_delay_time_s, config.testing.min_cycle_duration_s,
                 config.testing.min_slice_duration_s);
    limits = {config.testing.min_delay_time_s, config.testing.min_cycle_duration_s,
              config.testing.min_slice_duration_s};
  }
  return limits;
}

}  // namespace

struct Server::Impl {
  config::Config config;
  SystemClock clock;
  OsRandom random;
  std::unique_ptr<metadata::SqliteDatabase> db;
  std::unique_ptr<metadata::TenantRepository> tenants;
  std::unique_ptr<metadata::RecordConfigRepository> record_configs;
  std::unique_ptr<api::ApiService> api;
  std::unique_ptr<Router> router;
  boost::asio::io_context io;
  std::unique_ptr<boost::asio::thread_pool> workers;
  std::unique_ptr<net::HttpServer> http;
  std::vector<std::thread> io_threads;

  explicit Impl(config::Config c) : config(std::move(c)) {}
  int ThreadCount() const {
    if (config.threads > 0) return config.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }
};

Server::Server(config::Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Server::~Server() {
  Stop();
  for (auto& t : impl_->io_threads) {
    if (t.joinable()) t.join();
  }
  if (impl_->workers) impl_->workers->join();
}

Result<StartInfo> Server::Start() {
  Impl& s = *impl_;
  std::error_code ec;
  std::filesystem::create_directories(s.config.data_dir, ec);
  if (ec) {
    return Error(ErrorCode::kInvalidConfiguration, "",
                 "cannot create data dir " + s.config.data_dir + ": " + ec.message());
  }
  auto db = metadata::SqliteDatabase::Open(s.config.database_path);
  if (!db) return Error(db.error());
  s.db = std::move(*db);
  LIVEREC_RETURN_IF_ERROR(metadata::ApplyMigrations(*s.db, s.clock));
  s.tenants = std::make_unique<metadata::TenantRepository>(*s.db, s.clock, s.random);
  s.record_configs = std::make_unique<metadata::RecordConfigRepository>(*s.db);
  auto credentials = Bootstrap(s.config, *s.tenants, s.clock, s.random);
  if (!credentials) return Error(credentials.error());

  api::ApiOptions options{s.config.api.timestamp_window_s * 1000,
                          static_cast<size_t>(s.config.api.nonce_capacity)};
  s.api = std::make_unique<api::ApiService>(
      api::ApiDependencies{s.clock, s.random, *s.tenants, *s.record_configs, RecordLimitsOf(s.config)},
      options);
  s.router = std::make_unique<Router>(*s.api, s.config);
  s.workers = std::make_unique<boost::asio::thread_pool>(static_cast<size_t>(s.ThreadCount()) * 2);
  s.http = std::make_unique<net::HttpServer>(
      s.io, *s.workers, [router = s.router.get()](const net::HttpRequest& r) {
        return router->Handle(r);
      });
  auto port = s.http->Listen(s.config.http_listen);
  if (!port) return Error(port.error());
  s.http->Start();

  std::string host = s.config.http_listen.substr(0, s.config.http_listen.rfind(':'));
  StartInfo info{host + ":" + std::to_string(*port), *credentials};
  for (int i = 0; i < s.ThreadCount(); ++i) {
    s.io_threads.emplace_back([&io = s.io] { io.run(); });
  }
  return info;
}

void Server::Wait() {
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int signal) {
    spdlog::info("received signal {}, shutting down", signal);
  });
  signals_io.run();
  Stop();
}

void Server::Stop() {
  if (impl_->http) impl_->http->Stop();
  impl_->io.stop();
}

}  // namespace liverec::server
