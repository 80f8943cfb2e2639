// ApiFixture: the HTTP side of a liverec server without sockets, for the fuzz targets: the
// Router (server/) in front of the ApiService (api/) with every action's repositories on an
// in-memory SQLite database, and a local bucket in a temporary directory (under /dev/shm when
// it exists) holding a few files and a link that points out of it. Name resolution is faked
// (no DNS): "public.example" is a public address, "private.example" a private one, anything
// else does not resolve. The database and the bucket's new files are rebuilt every
// kRunsPerFixture runs, so memory stays bounded over millions of runs.
// Test-only code; header-only. Thread-safety: none.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "api/api_service.h"
#include "base/clock.h"
#include "base/random.h"
#include "config/config.h"
#include "fuzz/fuzz_support.h"
#include "ingest/stream_registry.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/index_file_repository.h"
#include "metadata/migrations.h"
#include "metadata/notify_config_repository.h"
#include "metadata/publish_history_repository.h"
#include "metadata/record_config_repository.h"
#include "metadata/record_usage_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/relay_task_repository.h"
#include "metadata/snapshot_config_repository.h"
#include "metadata/snapshot_repository.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/stream_block_repository.h"
#include "metadata/streams_notify_config_repository.h"
#include "metadata/tenant_repository.h"
#include "recorder/live_controls.h"
#include "server/bucket_access_setup.h"
#include "server/node_listing.h"
#include "server/router.h"
#include "storage/local/local_object_store.h"

namespace liverec::fuzz {

inline constexpr int64_t kApiNowMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
inline constexpr char kApiKeyId[] = "LTAIfuzzkey0000000000001";
inline constexpr char kApiSecret[] = "fuzzsecret000000000000000000001";
inline constexpr int kRunsPerFixture = 5000;

inline std::vector<std::string> FakeResolve(const std::string& host) {
  if (host == "public.example") return {"93.184.216.34"};
  if (host == "private.example") return {"10.0.0.1"};
  return {};
}

class ApiFixture {
 public:
  ApiFixture() {
    std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string dir = base + "/liverec-fuzz-XXXXXX";
    FUZZ_CHECK(::mkdtemp(dir.data()) != nullptr);
    root_ = dir;
    bucket_ = root_ + "/bucket";
    std::filesystem::create_directories(bucket_ + "/record/live");
    std::ofstream(bucket_ + "/record/live/s1.ts") << std::string(1000, 'G');
    std::ofstream(bucket_ + "/record/live/s1.m3u8") << "#EXTM3U\n#EXT-X-ENDLIST\n";
    std::ofstream(bucket_ + "/empty.ts");
    std::ofstream(root_ + "/outside.ts") << "outside the bucket";
    std::filesystem::create_symlink(root_ + "/outside.ts", bucket_ + "/link.ts");
    std::filesystem::create_directory_symlink(root_, bucket_ + "/up");
    Build();
  }
  ~ApiFixture() {
    state_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  // Counts a run; every kRunsPerFixture runs the database starts over.
  void Tick() {
    if (++runs_ % kRunsPerFixture != 0) return;
    state_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(root_ + "/store", ignored);
    Build();
  }

  server::Router& router() { return *state_->router; }
  api::ApiService& api() { return *state_->api; }
  FakeClock& clock() { return clock_; }
  const std::string& bucket_dir() const { return bucket_; }

  // Whether the open descriptor `fd` is a regular file inside the bucket's directory.
  bool InsideBucket(int fd) const {
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    std::error_code ec;
    auto path = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
    if (ec) return false;
    return path.string().starts_with(bucket_ + "/");
  }

 private:
  struct State {
    std::unique_ptr<metadata::SqliteDatabase> db;
    std::unique_ptr<metadata::TenantRepository> tenants;
    std::unique_ptr<metadata::RecordConfigRepository> record_configs;
    std::unique_ptr<metadata::RecordingRepository> recordings;
    std::unique_ptr<metadata::IndexFileRepository> index_files;
    std::unique_ptr<metadata::NotifyConfigRepository> notify_configs;
    std::unique_ptr<metadata::CallbackOutboxRepository> callback_outbox;
    std::unique_ptr<metadata::StreamsNotifyConfigRepository> streams_notify_configs;
    std::unique_ptr<metadata::RelayTaskRepository> relay_tasks;
    std::unique_ptr<metadata::StreamBlockRepository> stream_blocks;
    std::unique_ptr<metadata::PublishHistoryRepository> publish_history;
    std::unique_ptr<metadata::RecordUsageRepository> record_usage;
    std::unique_ptr<metadata::SnapshotConfigRepository> snapshot_configs;
    std::unique_ptr<metadata::SnapshotRepository> snapshots;
    std::unique_ptr<recorder::LiveControls> live_controls;
    std::unique_ptr<storage::LocalObjectStore> store;
    ingest::StreamRegistry registry;
    config::Config config;
    std::unique_ptr<api::ApiService> api;
    std::unique_ptr<server::BucketAccess> access;
    std::unique_ptr<server::WatchPlaylist> watch;
    std::unique_ptr<server::Router> router;
    std::unique_ptr<server::NodeListingSource> node_listing;
  };

  void Build() {
    auto s = std::make_unique<State>();
    auto db = metadata::SqliteDatabase::Open(":memory:");
    FUZZ_CHECK(db.has_value());
    s->db = std::move(*db);
    FUZZ_CHECK(metadata::ApplyMigrations(*s->db, clock_).ok());
    s->tenants = std::make_unique<metadata::TenantRepository>(*s->db, clock_, random_);
    s->record_configs = std::make_unique<metadata::RecordConfigRepository>(*s->db);
    s->recordings = std::make_unique<metadata::RecordingRepository>(*s->db, clock_, random_);
    s->index_files = std::make_unique<metadata::IndexFileRepository>(*s->db);
    s->notify_configs = std::make_unique<metadata::NotifyConfigRepository>(*s->db);
    s->callback_outbox = std::make_unique<metadata::CallbackOutboxRepository>(*s->db);
    s->streams_notify_configs = std::make_unique<metadata::StreamsNotifyConfigRepository>(*s->db);
    s->relay_tasks = std::make_unique<metadata::RelayTaskRepository>(*s->db);
    s->stream_blocks = std::make_unique<metadata::StreamBlockRepository>(*s->db);
    s->publish_history = std::make_unique<metadata::PublishHistoryRepository>(*s->db);
    s->record_usage = std::make_unique<metadata::RecordUsageRepository>(*s->db);
    s->snapshot_configs = std::make_unique<metadata::SnapshotConfigRepository>(*s->db);
    s->snapshots = std::make_unique<metadata::SnapshotRepository>(*s->db);
    s->live_controls = std::make_unique<recorder::LiveControls>(*s->record_configs, clock_);
    s->store = std::make_unique<storage::LocalObjectStore>(root_ + "/store");

    auto account = s->tenants->EnsureAccount("default");
    FUZZ_CHECK(account.has_value());
    FUZZ_CHECK(
        s->tenants->UpsertAccessKey({kApiKeyId, account->id, kApiSecret, true, kApiNowMs}).ok());
    FUZZ_CHECK(
        s->tenants->ReplaceDomains({{account->id, "live.example.com", {"push.example.com"}}}).ok());
    FUZZ_CHECK(
        s->tenants->ReplaceBuckets({{account->id, "local", "records", "local", bucket_}}).ok());

    api::ApiDependencies deps{clock_, random_, *s->tenants, *s->record_configs, {}};
    deps.recordings = s->recordings.get();
    deps.index_files = s->index_files.get();
    deps.stores = [store = s->store.get()](const std::string& endpoint,
                                           const std::string& bucket) -> storage::ObjectStore* {
      return endpoint == "local" && bucket == "records" ? store : nullptr;
    };
    deps.index.public_url = "http://127.0.0.1:8080";
    deps.notify_configs = s->notify_configs.get();
    deps.callback_outbox = s->callback_outbox.get();
    deps.notify.resolve = FakeResolve;
    deps.live_controls = s->live_controls.get();
    deps.streams = {&s->registry, s->streams_notify_configs.get(), s->stream_blocks.get(),
                    s->publish_history.get()};
    deps.record_usage = s->record_usage.get();
    deps.snapshots.configs = s->snapshot_configs.get();
    deps.snapshots.snapshots = s->snapshots.get();
    deps.relay.tasks = s->relay_tasks.get();
    deps.relay.urls.resolve = FakeResolve;
    s->node_listing = std::make_unique<server::NodeListingSource>(
        *s->db, /*cluster_mode=*/false, 10'000, "fuzz-node", "0.0.0", kApiNowMs, nullptr);
    deps.operators.account_ids = {account->id};
    deps.operators.nodes = [listing = s->node_listing.get()](int64_t now_ms) {
      return listing->List(now_ms);
    };
    config::BucketConfig bucket;
    bucket.name = "records";
    bucket.path = bucket_;
    bucket.access = "public-read";  // the files are served to any request (bucket_url: tokens)
    s->config.buckets.push_back(bucket);
    server::BucketAccessEntry entry{"default", "local", "records", true, false};
    s->access = std::make_unique<server::BucketAccess>(
        std::vector<server::BucketAccessEntry>{entry}, "http://127.0.0.1:8080", clock_, random_);
    server::SetIndexUrls(deps.index, *s->access);
    s->watch =
        std::make_unique<server::WatchPlaylist>(*s->access, *s->tenants, *s->recordings, clock_);
    api::ApiOptions options;
    options.nonce_capacity = 10'000;
    s->api = std::make_unique<api::ApiService>(deps, options);

    s->router = std::make_unique<server::Router>(
        *s->api, s->config, *s->access, server::RouterProbes{{}, nullptr, nullptr, s->watch.get()});
    state_ = std::move(s);
  }

  std::string root_;
  std::string bucket_;
  FakeClock clock_{kApiNowMs};
  SeededRandom random_{1};
  std::unique_ptr<State> state_;
  int64_t runs_ = 0;
};

}  // namespace liverec::fuzz
