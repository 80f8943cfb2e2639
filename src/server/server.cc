#include "server/server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "api/api_service.h"
#include "base/build_info.h"
#include "base/clock.h"
#include "base/random.h"
#include "callbacks/outbox.h"
#include "callbacks/record_notifier.h"
#include "callbacks/stream_event_notifier.h"
#include "ingest/ingest_policy.h"
#include "ingest/rtmp_connection.h"
#include "ingest/stream_event_listener.h"
#include "ingest/stream_registry.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/index_file_repository.h"
#include "metadata/migrations.h"
#include "metadata/notify_config_repository.h"
#include "metadata/open_database.h"
#include "metadata/publish_history_repository.h"
#include "metadata/record_config_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/relay_task_repository.h"
#include "metadata/stream_block_repository.h"
#include "metadata/streams_notify_config_repository.h"
#include "metadata/tenant_repository.h"
#include "net/descriptor_limits.h"
#include "net/http_server.h"
#include "net/tcp_server.h"
#include "recorder/cycle_manager.h"
#include "recorder/recorder.h"
#include "recorder/spool.h"
#include "recorder/spool_guard.h"
#include "relay/egress/egress_proxy.h"
#include "relay/relay_driver.h"
#include "relay/worker/libav_relay_runner.h"
#include "server/api_setup.h"
#include "server/bucket_access_service.h"
#include "server/bucket_access_setup.h"
#include "server/callback_pump.h"
#include "server/cluster_node.h"
#include "server/cluster_streams.h"
#include "server/directory_lock.h"
#include "server/health_check.h"
#include "server/ingest_setup.h"
#include "server/node_listing.h"
#include "server/object_stores.h"
#include "server/publish_history.h"
#include "server/recording_callbacks.h"
#include "server/replay_protection.h"
#include "server/retention.h"
#include "server/router.h"
#include "server/server_metrics.h"
#include "server/snapshots.h"
#include "server/stream_event_callbacks.h"
#include "server/usage_metering.h"
#include "server/watch_playlist.h"

namespace liverec::server {

namespace {

constexpr int64_t kDayMs = 24 * 3600'000LL;

}  // namespace

struct Server::Impl {
  config::Config config;
  // The data directory's (and an outside spool's) lock: taken first, released last.
  std::vector<std::unique_ptr<DirectoryLock>> locks;
  SystemClock clock;
  OsRandom random;
  ServerMetrics metrics{clock};  // /metrics; its counters are handed to the components
  std::unique_ptr<metadata::SqlDatabase> db;
  std::unique_ptr<metadata::TenantRepository> tenants;
  std::unique_ptr<metadata::RecordConfigRepository> record_configs;
  std::unique_ptr<ReplayProtection> replay;  // the API's nonce store; outlives the workers
  std::unique_ptr<boost::asio::steady_timer> replay_timer;
  std::unique_ptr<api::ApiService> api;
  // Who reads the buckets, the URLs handed out; reloaded on SIGHUP.
  std::unique_ptr<BucketAccessService> bucket_access;
  std::unique_ptr<WatchPlaylist> watch;  // /_watch/ playlists
  std::unique_ptr<Router> router;
  // Destroyed explicitly in ~Server, after the servers and before the workers finish.
  std::optional<boost::asio::io_context> io{std::in_place};
  std::atomic<bool> stopping{false};
  std::unique_ptr<boost::asio::thread_pool> workers;
  // Where slices are stored and indexed ([recording] upload_threads), apart from the workers.
  std::unique_ptr<boost::asio::thread_pool> uploads;
  // Where cycles are closed (playlists written, MP4/FLV composed), off the slices' lanes.
  std::unique_ptr<boost::asio::thread_pool> closers;
  // Where the HTTP handlers run: joined in ~Server before the I/O context is destroyed, since a
  // handler's end resumes its connection on that context (a handler still running on the
  // workers then was undefined behaviour, found by the sanitizer build).
  std::unique_ptr<boost::asio::thread_pool> handlers;
  std::unique_ptr<net::HttpServer> http;
  std::vector<std::thread> io_threads;
  // SIGINT and SIGTERM, caught from the end of Start (before the banner says the server is up),
  // so that a stop asked for at any time after it is a graceful one; Wait waits on them.
  boost::asio::io_context signals_io;
  std::optional<boost::asio::signal_set> signals;
  // SIGHUP, caught from the end of Start too (its default action would end the process): a
  // reload of the bucket access (Server::ReloadBucketAccess), asked for by Wait's caller.
  std::optional<boost::asio::signal_set> hangups;
  // Recording and ingest.
  std::unique_ptr<metadata::RecordingRepository> recordings;
  std::unique_ptr<metadata::IndexFileRepository> index_files;
  std::unique_ptr<boost::asio::steady_timer> retention_timer;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<storage::ObjectStore>> stores;
  std::unique_ptr<recorder::Spool> spool;
  std::unique_ptr<recorder::CycleManager> cycles;
  std::unique_ptr<recorder::Recorder> recorder;
  std::unique_ptr<recorder::SpoolGuard> spool_guard;
  int64_t cycle_checks = 0;  // the cycle timer's ticks (a worker at a time)
  // Each live publish's recording control (RealTimeRecordCommand).
  std::unique_ptr<recorder::LiveControls> live_controls;
  ingest::IngestPolicy ingest_policy;
  ingest::StreamRegistry registry;
  std::unique_ptr<net::TcpServer> rtmp;
  std::unique_ptr<boost::asio::steady_timer> cycle_timer;
  // Recording callbacks: configs, the durable outbox, and its delivery (docs/callbacks.md).
  // record_notifier is what the recorder calls when a file is finished or a recording changes
  // state.
  std::unique_ptr<metadata::NotifyConfigRepository> notify_configs;
  std::unique_ptr<metadata::CallbackOutboxRepository> callback_outbox;
  std::unique_ptr<callbacks::Outbox> outbox;
  std::unique_ptr<callbacks::OutboxRecordNotifier> record_notifier;
  std::unique_ptr<CallbackPump> callback_pump;
  std::unique_ptr<RecordingCallbacks> recording_callbacks;  // recorder events -> record_notifier
  // OnDemand=1: asks OnDemandUrl on a worker; the outcome goes to the callback history.
  callbacks::CurlHttpSender on_demand_sender;
  std::unique_ptr<recorder::OnDemandDecider> on_demand;
  std::unique_ptr<boost::asio::steady_timer> callback_timer;
  // Stream publish/unpublish callbacks (docs/api/streams.md): StreamEventListener wraps the
  // recorder for ingest; its events go through one strand to the notifier and the outbox.
  std::unique_ptr<metadata::StreamsNotifyConfigRepository> streams_notify_configs;
  // Forbidden streams (ForbidLiveStream; docs/api/moderation.md): refused at publish.
  std::unique_ptr<metadata::StreamBlockRepository> stream_blocks;
  std::unique_ptr<callbacks::OutboxStreamEventNotifier> stream_event_notifier;
  std::unique_ptr<StreamEventCallbacks> stream_event_callbacks;
  // Publish sessions (DescribeLiveStreamsPublishList), written beside the stream callbacks.
  std::unique_ptr<metadata::PublishHistoryRepository> publish_sessions;
  std::unique_ptr<PublishHistory> publish_history;
  // Snapshots (docs/api/snapshots.md): their listener is the one stream_events wraps.
  std::unique_ptr<Snapshots> snapshots;
  std::unique_ptr<UsageMetering> usage;  // recording usage (DescribeLiveDomainRecordUsageData)
  std::unique_ptr<ingest::StreamEventListener> stream_events;
  // Pull-to-push relay tasks (docs/api/relay.md): stored and answered by the API, scheduled by
  // the RelayDriver on one strand of the workers (its timer runs there too), relayed by the
  // libavformat runner (a thread per running relay).
  std::unique_ptr<metadata::RelayTaskRepository> relay_tasks;
  // While private addresses are refused: the forward proxy relays' HTTP(S) goes through.
  std::unique_ptr<relay::egress::EgressProxy> relay_egress;
  std::unique_ptr<relay::worker::LibavRelayRunner> relay_runner;
  std::unique_ptr<relay::RelayDriver> relay_driver;
  // Cluster mode: the leases this node holds on relay tasks (docs/cluster.md "Relay tasks").
  std::unique_ptr<metadata::LeaseRepository> relay_lease_store;
  std::unique_ptr<relay::RelayLeases> relay_leases;
  std::unique_ptr<boost::asio::steady_timer> relay_timer;
  // The relay runner and the spool as the heartbeat thread sees them (its load): set once made,
  // the runner cleared first at shutdown (the spool outlives the heartbeat).
  std::mutex relays_for_load_mutex;
  relay::worker::LibavRelayRunner* relays_for_load = nullptr;
  const recorder::Spool* spool_for_load = nullptr;
  // On PostgreSQL: this node's membership of the cluster (docs/cluster.md); null on SQLite.
  std::unique_ptr<ClusterNode> cluster_node;
  std::unique_ptr<NodeListingSource> node_listing;  // DescribeLiveClusterNodes
  // On PostgreSQL: live streams and commands across the nodes; null on SQLite.
  std::unique_ptr<ClusterStreams> cluster_streams;

  Status StartRecording();
  Status JoinCluster();
  void StartClusterStreams();
  Result<uint16_t> StartRtmp();
  void ScheduleCycleCheck();
  void StartCallbacks();
  void ScheduleCallbacks(std::chrono::milliseconds after);
  void ScheduleRetention(std::chrono::seconds after);
  void PurgePastRetention();
  void ScheduleNoncePrune();
  Status StartRelay();
  relay::RelayLeases* MakeRelayLeases();
  void WakeRelayAt(std::optional<int64_t> at_ms);
  // This node's load (the heartbeat's, any thread): live streams, running relays, upload lag.
  cluster::NodeLoad Load() {
    std::lock_guard lock(relays_for_load_mutex);
    return {static_cast<int64_t>(registry.LiveCount()),
            relays_for_load ? static_cast<int64_t>(relays_for_load->RunningCount()) : 0,
            spool_for_load ? metrics.UploadLagMs(*spool_for_load) : 0};
  }
  recorder::StoreLookup StoreLookupFn() {
    return [this](const std::string& endpoint, const std::string& bucket) -> storage::ObjectStore* {
      auto it = stores.find({endpoint, bucket});
      return it == stores.end() ? nullptr : it->second.get();
    };
  }

  explicit Impl(config::Config c) : config(std::move(c)) {}
  // RLIMIT_NOFILE's soft limit once raised; the listeners' connection caps fit within it.
  int64_t open_file_limit = 1'048'576;
  void RaiseOpenFileLimit();
  int64_t HttpConnectionCap() const {
    return net::ConnectionBudget(config.http_max_connections, open_file_limit, 2);
  }
  int64_t RtmpConnectionCap() const {
    return net::ConnectionBudget(config.rtmp.max_connections, open_file_limit, 4);
  }
  int ThreadCount() const {
    if (config.threads > 0) return config.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }
};

// docs/operations.md "Limits": the soft limit goes up to the hard one, and each listener's cap
// is lowered to its share of it when the configured one would not fit.
void Server::Impl::RaiseOpenFileLimit() {
  auto limit = net::RaiseOpenFileLimit();
  if (!limit) {
    spdlog::warn("descriptors: {}", limit.error().ToString());
    return;
  }
  open_file_limit = limit->soft;
  spdlog::info(
      "descriptors: RLIMIT_NOFILE {} (was {}, hard limit {}); at most {} HTTP and {} RTMP "
      "connections",
      limit->soft, limit->before, limit->hard < 0 ? "unlimited" : std::to_string(limit->hard),
      HttpConnectionCap(), RtmpConnectionCap());
  if (HttpConnectionCap() < config.http_max_connections ||
      RtmpConnectionCap() < config.rtmp.max_connections) {
    spdlog::warn(
        "descriptors: the limit of {} open files lowers http.max_connections ({}) and/or "
        "rtmp.max_connections ({}); raise the hard limit (LimitNOFILE=, ulimit -Hn) for more",
        open_file_limit, config.http_max_connections, config.rtmp.max_connections);
  }
}

Status Server::Impl::StartRecording() {
  std::error_code ec;
  std::filesystem::create_directories(config.recording.spool_dir, ec);
  if (ec) {
    return Status(
        ErrorCode::kStorageFailure, "",
        "cannot create the spool directory " + config.recording.spool_dir + ": " + ec.message());
  }
  spool = std::make_unique<recorder::Spool>(config.recording.spool_dir);
  {
    std::lock_guard lock(relays_for_load_mutex);
    spool_for_load = spool.get();
  }
  auto lookup = StoreLookupFn();
  recording_callbacks = std::make_unique<RecordingCallbacks>(*record_notifier);
  cycles = std::make_unique<recorder::CycleManager>(*recordings, lookup, *spool, clock, random,
                                                    index_files.get(), recording_callbacks.get());
  cycles->SetMp4Writer(config.recording.mp4_writer == "libavformat"
                           ? media::compose::Mp4Writer::kLibavformat
                           : media::compose::Mp4Writer::kOwn);
  cycles->SetCloseExecutor(
      [this](std::function<void()> task) { boost::asio::post(*closers, std::move(task)); });
  auto make_serial = [this]() -> recorder::SerialPost {
    auto strand = std::make_shared<boost::asio::strand<boost::asio::thread_pool::executor_type>>(
        workers->get_executor());
    return [strand](std::function<void()> task) { boost::asio::post(*strand, std::move(task)); };
  };
  auto make_upload_serial = [this]() -> recorder::SerialPost {
    auto strand = std::make_shared<boost::asio::strand<boost::asio::thread_pool::executor_type>>(
        uploads->get_executor());
    return [strand](std::function<void()> task) { boost::asio::post(*strand, std::move(task)); };
  };
  on_demand = std::make_unique<recorder::OnDemandDecider>(
      *notify_configs, *callback_outbox, on_demand_sender, clock, random,
      recorder::OnDemandOptions{config.callbacks.allow_private_addresses,
                                config.callbacks.on_demand_timeout_ms});
  spool_guard =
      std::make_unique<recorder::SpoolGuard>(*spool, config.recording.spool_max_mb * 1024 * 1024,
                                             static_cast<int>(config.recording.spool_warn_percent));
  recorder::RecorderDependencies recorder_deps{
      *record_configs,
      *recordings,
      *cycles,
      *spool,
      lookup,
      clock,
      random,
      make_serial,
      config::ParseTimeZoneOffsetMinutes(config.recording.time_zone).value_or(0),
      on_demand.get(),
      live_controls.get()};
  recorder_deps.make_upload_serial = make_upload_serial;
  recorder_deps.lanes.max_retry_ms = config.recording.upload_retry_max_s * 1000;
  recorder_deps.admit = [this](const recorder::RecordingPlan& plan) -> std::optional<std::string> {
    if (!spool_guard->Full() || !recorder->lanes().BucketFailing(plan.endpoint, plan.bucket)) {
      return std::nullopt;
    }
    return fmt::format(
        "the spool is full ({} of {} MiB) and bucket {}/{} is unreachable: new "
        "recordings into it start again once its backlog is stored",
        spool_guard->bytes() >> 20, spool_guard->max_bytes() >> 20, plan.endpoint, plan.bucket);
  };
  recorder_deps.metrics = &metrics.recorder();
  recorder_deps.ts_muxer = config.recording.ts_muxer == "libavformat"
                               ? media::ts::TsMuxerKind::kLibavformat
                               : media::ts::TsMuxerKind::kOwn;
  recorder_deps.usage = &usage->meter();
  usage->Start(*io, *workers,
               std::chrono::milliseconds(config.testing.enabled ? config.testing.usage_sample_ms
                                                                : UsageMetering::kPeriodMs));
  if (cluster_node) {  // every write of a stream's recording fenced by its recording lease
    recorder_deps.recording_leases = &cluster_node->record_leases();
    cycles->SetLeases(&cluster_node->record_leases());
  }
  recorder = std::make_unique<recorder::Recorder>(std::move(recorder_deps));
  spool_guard->Measure();

  LIVEREC_RETURN_IF_ERROR(FillIngestDomains(config, *tenants, ingest_policy));
  // Finish what the spool holds, in the background: serving starts at once.
  boost::asio::post(*workers, [this] {
    auto recovered = recorder->Recover();
    if (!recovered) {
      spdlog::error("recovery: {}", recovered.error().ToString());
    } else if (*recovered > 0) {
      spdlog::info("recovery: {} slices from the spool queued to be stored and indexed",
                   *recovered);
    }
  });
  ScheduleCycleCheck();
  ScheduleRetention(std::chrono::seconds(5));
  return Status::Ok();
}

// On PostgreSQL, before the node does any work: a second process with this node_id is refused
// here (NodeIdInUse). The heartbeat reports its load (streams, relays, upload lag).
Status Server::Impl::JoinCluster() {
  if (db->Dialect() != "postgres") return Status::Ok();
  if (config.cluster.lease_seconds < config::kMinLeaseSeconds) {
    spdlog::warn("testing section enabled: cluster lease of {} s, below the minimum of {} s",
                 config.cluster.lease_seconds, config::kMinLeaseSeconds);
  }
  auto node = ClusterNode::Start(*db, clock, random, config.cluster, config.data_dir,
                                 [this] { return Load(); });
  if (!node) return node.error();
  cluster_node = std::move(*node);
  registry.SetClaims(&cluster_node->publish_leases());
  cluster_node->OnPublishLost([this](const std::string& key) {
    registry.Revoke(key, Status(ErrorCode::kLeaseLost, "", "another node took the stream over"));
  });
  return Status::Ok();
}

// On PostgreSQL, before the first publish and the first API call: the directory of live streams
// and the command channel (docs/cluster.md "Live streams and commands across nodes").
void Server::Impl::StartClusterStreams() {
  if (!cluster_node) return;
  cluster_streams = std::make_unique<ClusterStreams>(
      *db, clock, random,
      ClusterStreamsOptions{config.cluster.node_id, cluster_node->membership().instance_id(),
                            config.database.url, config.cluster.command_timeout_ms});
  cluster_streams->Start(registry, *live_controls);
}

// The relay driver's strand runs its decisions, database writes and timer; Start loads the
// stored tasks (resuming those that were running) in the background. While private addresses
// are refused, every connection of a relay is checked (docs/api/relay.md, "Security").
Status Server::Impl::StartRelay() {
  if (!config.relay.allow_private_addresses) {
    relay_egress = std::make_unique<relay::egress::EgressProxy>(
        RelayUrlPolicyOf(config), random, &metrics.relay_connections_refused());
    LIVEREC_RETURN_IF_ERROR(relay_egress->Start());
    if (const char* no_proxy = std::getenv("no_proxy"); no_proxy != nullptr && *no_proxy) {
      spdlog::error(
          "relay: the no_proxy environment variable is set: relays from http(s) and "
          "rtmps sources are refused until liverec runs without it");
    }
  }
  relay_runner = std::make_unique<relay::worker::LibavRelayRunner>(
      relay::worker::RelayTimeouts{}, RelayUrlPolicyOf(config), relay_egress.get(),
      config.relay.rtmp_client != "libavformat");
  {
    std::lock_guard lock(relays_for_load_mutex);
    relays_for_load = relay_runner.get();
  }
  auto strand = std::make_shared<boost::asio::strand<boost::asio::thread_pool::executor_type>>(
      workers->get_executor());
  relay_timer = std::make_unique<boost::asio::steady_timer>(*strand);
  relay::RelayDriverDependencies relay_deps{
      *relay_tasks,
      *relay_runner,
      outbox.get(),
      clock,
      relay::SchedulerOptions{config.relay.exited_retention_s * 1000},
      [strand](std::function<void()> task) { boost::asio::post(*strand, std::move(task)); },
      [this](std::optional<int64_t> at_ms) { WakeRelayAt(at_ms); }};
  if (cluster_node) relay_deps.leases = MakeRelayLeases();
  relay_driver = std::make_unique<relay::RelayDriver>(std::move(relay_deps));
  relay_driver->Start();
  return Status::Ok();
}

// Cluster mode: relay tasks are held under leases of the node's holder, as long as its
// membership lease; a crashed previous run's leases are taken over at once.
relay::RelayLeases* Server::Impl::MakeRelayLeases() {
  relay_lease_store = std::make_unique<metadata::LeaseRepository>(*db, clock);
  relay::RelayLeaseOptions options;
  options.holder = cluster_node->membership().instance_id();
  options.previous_holder = cluster_node->previous_instance();
  options.lease_ms = config.cluster.lease_seconds * 1000;
  options.max_per_node = config.relay.max_tasks_per_node;
  options.live_nodes = [this]() -> int64_t {
    auto live = cluster_node->CountLiveNodes();
    return live ? std::max<int64_t>(*live, 1) : 1;
  };
  relay_leases = std::make_unique<relay::RelayLeases>(*relay_lease_store, clock, options);
  return relay_leases.get();
}

// On the relay strand. At most a minute ahead, so a clock step never leaves a task waiting long.
void Server::Impl::WakeRelayAt(std::optional<int64_t> at_ms) {
  relay_timer->cancel();
  if (!at_ms || stopping) return;
  int64_t delay_ms = std::clamp<int64_t>(*at_ms - clock.NowMs(), 0, 60'000);
  relay_timer->expires_after(std::chrono::milliseconds(delay_ms));
  relay_timer->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping) relay_driver->Tick();
  });
}

// The retention job (retention.h) at start and then hourly.
void Server::Impl::ScheduleRetention(std::chrono::seconds after) {
  if (stopping) return;
  if (!retention_timer) retention_timer = std::make_unique<boost::asio::steady_timer>(*io);
  retention_timer->expires_after(after);
  retention_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    boost::asio::post(*workers, [this] {
      PurgePastRetention();
      ScheduleRetention(std::chrono::hours(1));
    });
  });
}

void Server::Impl::PurgePastRetention() {
  server::PurgePastRetention(
      *db, {*index_files, *publish_sessions, usage->repository(), snapshots->repository(), config},
      clock.NowMs());
}

// Replay protection on PostgreSQL: the shared nonce table's upkeep (ReplayProtection::Prune).
void Server::Impl::ScheduleNoncePrune() {
  if (stopping || !replay->shared()) return;
  if (!replay_timer) replay_timer = std::make_unique<boost::asio::steady_timer>(*io);
  replay_timer->expires_after(ReplayProtection::kPruneInterval);
  replay_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    boost::asio::post(*workers, [this] {
      replay->Prune(clock.NowMs());
      ScheduleNoncePrune();
    });
  });
}

// Delivery rounds: at once (events left from before a restart), then every poll interval, and
// whenever an event is enqueued.
void Server::Impl::StartCallbacks() {
  callback_pump = std::make_unique<CallbackPump>(
      *db, *callback_outbox, clock, config.callbacks,
      [this](metadata::CallbackState state) { metrics.CallbackAttempted(state); });
  callback_pump->LogPending();
  outbox->SetWakeUp([this] {
    if (!stopping) boost::asio::post(*workers, [this] { callback_pump->Run(); });
  });
  ScheduleCallbacks(std::chrono::milliseconds(0));
}

void Server::Impl::ScheduleCallbacks(std::chrono::milliseconds after) {
  if (stopping) return;
  if (!callback_timer) callback_timer = std::make_unique<boost::asio::steady_timer>(*io);
  callback_timer->expires_after(after);
  callback_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    boost::asio::post(*workers, [this] {
      callback_pump->Run();
      ScheduleCallbacks(std::chrono::milliseconds(config.callbacks.poll_interval_ms));
    });
  });
}

void Server::Impl::ScheduleCycleCheck() {
  if (stopping) return;
  if (!cycle_timer) cycle_timer = std::make_unique<boost::asio::steady_timer>(*io);
  cycle_timer->expires_after(std::chrono::seconds(1));
  cycle_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    boost::asio::post(*workers, [this] {
      recorder->lanes().RetryDue();
      if (++cycle_checks % 5 == 0) spool_guard->Measure();
      Status status = cycles->CloseExpired();
      if (!status.ok()) spdlog::warn("recorder: closing cycles: {}", status.ToString());
      ScheduleCycleCheck();
    });
  });
}

Result<uint16_t> Server::Impl::StartRtmp() {
  media::rtmp::RtmpSessionLimits limits;
  limits.max_chunk_size = static_cast<uint32_t>(config.rtmp.max_chunk_size);
  limits.max_message_size = static_cast<uint32_t>(config.rtmp.max_message_size);
  net::TcpServerOptions options{"rtmp", config.rtmp.handshake_timeout_s, config.rtmp.idle_timeout_s,
                                RtmpConnectionCap(), 64 * 1024};
  options.read_interval_ms = config.rtmp.read_interval_ms;
  ingest_policy.server_ip = ListenIp(config.rtmp_listen);
  auto events_strand =
      std::make_shared<boost::asio::strand<boost::asio::thread_pool::executor_type>>(
          workers->get_executor());
  publish_history = PublishHistory::Start(*publish_sessions, clock, random,
                                          cluster_node ? config.cluster.node_id : NodeName(),
                                          ingest_policy.server_ip);
  stream_event_callbacks = std::make_unique<StreamEventCallbacks>(
      *stream_event_notifier,
      [events_strand](std::function<void()> task) {
        boost::asio::post(*events_strand, std::move(task));
      },
      publish_history.get());
  stream_events = std::make_unique<ingest::StreamEventListener>(snapshots->Listener(*recorder),
                                                                *stream_event_callbacks, clock);
  rtmp = std::make_unique<net::TcpServer>(
      *io,
      [this, limits](const std::string& peer) -> std::unique_ptr<net::ConnectionHandler> {
        return std::make_unique<ingest::RtmpConnection>(peer, ingest_policy, registry,
                                                        *stream_events, clock, limits,
                                                        &metrics.rtmp_received_bytes());
      },
      options);
  auto port = rtmp->Listen(config.rtmp_listen);
  if (!port) return Error(port.error());
  rtmp->Start();
  return *port;
}

Server::Server(config::Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Server::~Server() {
  Stop();
  Impl& s = *impl_;
  for (auto& t : s.io_threads) {
    if (t.joinable()) t.join();
  }
  // Order matters: listeners first, then the I/O context (its pending connection coroutines end
  // their publishes, which posts the last slices), then the workers finish that work.
  // Relays stop (their state stays stored, so the next start resumes them) while the workers
  // still run the driver's strand; the runner joins its threads.
  if (s.relay_driver) s.relay_driver->Shutdown();
  {
    std::lock_guard lock(s.relays_for_load_mutex);
    s.relays_for_load = nullptr;
  }
  s.relay_runner.reset();
  s.relay_egress.reset();
  s.http.reset();
  if (s.handlers) s.handlers->join();  // before the context their connections resume on
  s.rtmp.reset();
  s.cycle_timer.reset();
  s.callback_timer.reset();
  s.retention_timer.reset();
  s.replay_timer.reset();
  if (s.usage) s.usage->DropTimer();
  s.io.reset();
  if (s.workers) s.workers->join();
  if (s.uploads) s.uploads->join();  // the slices the last tasks queued
  if (s.closers) s.closers->join();  // the cycles the last slices closed
  if (s.usage) s.usage->Sample();    // the recordings that just ended
  if (s.recorder && s.recorder->lanes().QueuedSlices() > 0) {
    spdlog::warn(
        "shutdown: {} slices wait in the spool (their bucket is unreachable); they are "
        "stored at the next start",
        s.recorder->lanes().QueuedSlices());
  }
  s.cluster_streams.reset();  // after the last publish ended: its row's delete is written
  s.cluster_node.reset();     // the last: stops the heartbeat and releases the node's lease
}

Result<StartInfo> Server::Start() {
  Impl& s = *impl_;
  s.RaiseOpenFileLimit();
  auto locks = LockServerDirectories(s.config.data_dir, s.config.recording.spool_dir);
  if (!locks) return Error(locks.error());
  s.locks = std::move(*locks);
  auto db = metadata::OpenDatabase(s.config.database, s.clock);
  if (!db) return Error(db.error());
  s.db = std::move(*db);
  LIVEREC_RETURN_IF_ERROR(metadata::ApplyMigrations(*s.db, s.clock));
  LIVEREC_RETURN_IF_ERROR(s.JoinCluster());
  s.tenants = std::make_unique<metadata::TenantRepository>(*s.db, s.clock, s.random);
  s.record_configs = std::make_unique<metadata::RecordConfigRepository>(*s.db);
  s.live_controls = std::make_unique<recorder::LiveControls>(*s.record_configs, s.clock);
  s.StartClusterStreams();
  s.recordings = std::make_unique<metadata::RecordingRepository>(*s.db, s.clock, s.random);
  s.index_files = std::make_unique<metadata::IndexFileRepository>(*s.db);
  s.notify_configs = std::make_unique<metadata::NotifyConfigRepository>(*s.db);
  s.callback_outbox = std::make_unique<metadata::CallbackOutboxRepository>(*s.db);
  s.outbox = std::make_unique<callbacks::Outbox>(*s.callback_outbox, s.clock, s.random);
  s.record_notifier =
      std::make_unique<callbacks::OutboxRecordNotifier>(*s.notify_configs, *s.outbox);
  s.streams_notify_configs = std::make_unique<metadata::StreamsNotifyConfigRepository>(*s.db);
  s.stream_blocks = std::make_unique<metadata::StreamBlockRepository>(*s.db);
  s.publish_sessions = std::make_unique<metadata::PublishHistoryRepository>(*s.db);
  s.usage = std::make_unique<UsageMetering>(*s.db, s.clock,
                                            s.cluster_node ? s.config.cluster.node_id : NodeName());
  s.ingest_policy.forbidden = BlockListCheck(*s.stream_blocks, s.clock);
  s.relay_tasks = std::make_unique<metadata::RelayTaskRepository>(*s.db);
  s.stream_event_notifier = std::make_unique<callbacks::OutboxStreamEventNotifier>(
      *s.streams_notify_configs, *s.outbox, NodeName());
  std::map<std::pair<std::string, std::string>, std::string> bucket_urls;  // S3 buckets
  // Each bucket's public base, presigner and reader (the store itself moves to s.stores).
  std::map<std::pair<std::string, std::string>, BucketStore> bucket_url_sources;
  for (const auto& bucket : s.config.buckets) {
    auto made = MakeBucketStore(bucket);
    if (!made) return Error(made.error());
    if (!made->public_base.empty()) bucket_urls[{bucket.endpoint, bucket.name}] = made->public_base;
    s.stores[{bucket.endpoint, bucket.name}] = std::move(made->store);
    bucket_url_sources[{bucket.endpoint, bucket.name}] = std::move(*made);
  }
  s.snapshots = std::make_unique<Snapshots>(s.config, *s.db, *s.notify_configs, *s.outbox,
                                            s.StoreLookupFn(), s.metrics.registry(), s.clock);
  auto credentials = Bootstrap(s.config, *s.tenants, s.clock, s.random);
  if (!credentials) return Error(credentials.error());

  api::ApiOptions options{s.config.api.timestamp_window_s * 1000,
                          static_cast<size_t>(s.config.api.nonce_capacity)};
  api::ApiDependencies deps{s.clock, s.random, *s.tenants, *s.record_configs,
                            RecordLimitsOf(s.config)};
  auto replay = ReplayProtection::Make(*s.db, options.timestamp_window_ms, options.nonce_capacity);
  if (!replay) return Error(replay.error());
  s.replay = std::move(*replay);
  deps.nonces = &s.replay->store();
  deps.recordings = s.recordings.get();
  deps.index_files = s.index_files.get();
  deps.stores = s.StoreLookupFn();
  deps.notify_configs = s.notify_configs.get();
  deps.callback_outbox = s.callback_outbox.get();
  deps.live_controls = s.live_controls.get();
  deps.record_usage = &s.usage->repository();
  deps.streams = {&s.registry, s.streams_notify_configs.get(), s.stream_blocks.get(),
                  s.publish_sessions.get(), s.config.recording.publish_history_days * kDayMs};
  if (s.cluster_streams) deps.cluster = s.cluster_streams->services();
  deps.relay = RelayServicesOf(s.config);
  deps.relay.tasks = s.relay_tasks.get();
  deps.snapshots = s.snapshots->ApiServices();
  s.node_listing = std::make_unique<NodeListingSource>(
      *s.db, s.cluster_node != nullptr, s.config.cluster.lease_seconds * 1000,
      s.config.cluster.node_id, std::string(BuildVersion()), s.clock.NowMs(),
      [&s] { return s.Load(); });
  auto operators = OperatorServicesOf(s.config, *s.tenants, *s.node_listing);
  if (!operators) return Error(operators.error());
  deps.operators = std::move(*operators);
  deps.notify.allow_private_addresses = s.config.callbacks.allow_private_addresses;
  if (s.config.callbacks.allow_private_addresses) {
    spdlog::warn(
        "callbacks: allow_private_addresses is on: callback URLs may point into this "
        "network");
  }
  deps.index.max_index_slices = s.config.api.max_index_slices;
  deps.index.bucket_urls = bucket_urls;
  deps.index.slice_retention_ms = s.config.recording.slice_retention_days * kDayMs;
  deps.index.index_retention_ms = s.config.recording.index_retention_days * kDayMs;
  deps.index.time_zone_minutes =
      config::ParseTimeZoneOffsetMinutes(s.config.recording.time_zone).value_or(0);
  // Bind first: the default public URL names the bound port. Requests wait in the backlog
  // until Start, by when the router exists.
  s.workers = std::make_unique<boost::asio::thread_pool>(static_cast<size_t>(s.ThreadCount()) * 2);
  s.uploads = std::make_unique<boost::asio::thread_pool>(
      static_cast<size_t>(s.config.recording.upload_threads));
  s.closers = std::make_unique<boost::asio::thread_pool>(static_cast<size_t>(s.ThreadCount()));
  s.handlers = std::make_unique<boost::asio::thread_pool>(static_cast<size_t>(s.ThreadCount()) * 2);
  if (Status relay = s.StartRelay(); !relay.ok()) return Error(relay);
  deps.relay.listener = s.relay_driver.get();
  net::HttpServerOptions http_options;
  http_options.max_connections = s.HttpConnectionCap();
  if (s.config.testing.enabled) {
    http_options.idle_timeout_s = static_cast<int>(s.config.testing.http_idle_timeout_s);
  }
  s.http = std::make_unique<net::HttpServer>(
      *s.io, *s.handlers, [&s](const net::HttpRequest& r) { return s.router->Handle(r); },
      http_options);
  auto port = s.http->Listen(s.config.http_listen);
  if (!port) return Error(port.error());
  std::string http_host = s.config.http_listen.substr(0, s.config.http_listen.rfind(':'));
  deps.index.public_url = s.config.public_url.empty()
                              ? "http://" + http_host + ":" + std::to_string(*port)
                              : s.config.public_url;
  auto bucket_access = BucketAccessService::Make(s.config, std::move(bucket_url_sources), *s.db,
                                                 deps.index.public_url, s.clock, s.random);
  if (!bucket_access) return Error(bucket_access.error());
  s.bucket_access = std::move(*bucket_access);
  SetIndexUrls(deps.index, s.bucket_access->access());
  s.watch = std::make_unique<WatchPlaylist>(s.bucket_access->access(), *s.tenants, *s.recordings,
                                            s.clock);
  // Recommend: the catalogue at /docs/errors (ErrorCataloguePage) unless [api] says elsewhere.
  options.error_docs_url = s.config.api.error_docs_url.empty()
                               ? deps.index.public_url + "/docs/errors"
                               : s.config.api.error_docs_url;
  s.api = std::make_unique<api::ApiService>(deps, options, &s.metrics.api());
  s.router = std::make_unique<Router>(
      *s.api, s.config, s.bucket_access->access(),
      RouterProbes{[&s] {
                     return HealthCheck(*s.db, s.stopping, s.spool.get(), s.clock,
                                        s.cluster_node ? &s.cluster_node->membership() : nullptr)
                         .Check();
                   },
                   s.config.metrics.enabled ? &s.metrics.registry() : nullptr,
                   &s.metrics.registry().AddCounterFamily(
                       "liverec_bucket_requests_refused_total",
                       "Requests of a private bucket's objects refused (403), by reason: "
                       "missing, malformed, expired, wrong_signature, outside_prefix.",
                       {"reason"}),
                   s.watch.get()});
  // Callbacks before recording: recovery may already enqueue events.
  s.StartCallbacks();
  s.ScheduleNoncePrune();
  LIVEREC_RETURN_IF_ERROR(s.StartRecording());
  auto rtmp_port = s.StartRtmp();
  if (!rtmp_port) return Error(rtmp_port.error());
  s.metrics.AddSources(
      {s.registry, *s.live_controls, *s.spool, *s.callback_outbox, *s.relay_tasks, s.rtmp.get()});
  s.metrics.AddNode(s.config.cluster.node_id, s.cluster_node.get());
  if (s.cluster_node) {
    LIVEREC_RETURN_IF_ERROR(s.cluster_node->SetListeners(s.config.http_listen, *port,
                                                         s.config.rtmp_listen, *rtmp_port));
  }
  s.node_listing->SetListeners(s.config.cluster, s.config.http_listen, *port, s.config.rtmp_listen,
                               *rtmp_port);
  s.http->Start();

  std::string host = s.config.http_listen.substr(0, s.config.http_listen.rfind(':'));
  std::string rtmp_host = s.config.rtmp_listen.substr(0, s.config.rtmp_listen.rfind(':'));
  StartInfo info{host + ":" + std::to_string(*port), rtmp_host + ":" + std::to_string(*rtmp_port),
                 *credentials, std::move(bucket_urls)};
  for (int i = 0; i < s.ThreadCount(); ++i) {
    s.io_threads.emplace_back([&io = *s.io] { io.run(); });
  }
  s.signals.emplace(s.signals_io, SIGINT, SIGTERM);
  s.hangups.emplace(s.signals_io, SIGHUP);
  return info;
}

Status Server::ReloadBucketAccess(const config::Config& reloaded) {
  return impl_->bucket_access->Reload(reloaded);
}

// Waits for the next SIGHUP and calls on_hangup, again and again until the set is cancelled.
static void AwaitHangup(boost::asio::signal_set& hangups, std::function<void()> on_hangup) {
  hangups.async_wait([&hangups, on_hangup](const boost::system::error_code& error, int) {
    if (error) return;  // cancelled: shutting down
    spdlog::info("received SIGHUP: reloading the configuration");
    if (on_hangup) on_hangup();
    AwaitHangup(hangups, on_hangup);
  });
}

void Server::Wait(std::function<void()> on_hangup) {
  Impl& s = *impl_;
  if (!s.signals) s.signals.emplace(s.signals_io, SIGINT, SIGTERM);
  if (!s.hangups) s.hangups.emplace(s.signals_io, SIGHUP);
  s.signals->async_wait([&s](const boost::system::error_code&, int signal) {
    spdlog::info("received signal {}, shutting down", signal);
    s.hangups->cancel();
  });
  AwaitHangup(*s.hangups, std::move(on_hangup));
  s.signals_io.run();
  // A bounded stop: the work in hand (a slice stuck in a slow upload, a callback) may not hold
  // the exit longer than shutdown_timeout_s. Nothing is lost by leaving: the spool and the
  // callback outbox are crash-safe and finished at the next start.
  std::thread([seconds = impl_->config.shutdown_timeout_s] {
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    spdlog::warn(
        "shutdown: work still in hand after {} s; exiting now, the spool and the callback "
        "outbox are finished at the next start",
        seconds);
    spdlog::default_logger()->flush();
    std::_Exit(0);
  }).detach();
  Stop();
}

void Server::Stop() {
  impl_->stopping = true;
  if (impl_->http) impl_->http->Stop();
  if (impl_->rtmp) impl_->rtmp->Stop();
  if (impl_->cycle_timer) impl_->cycle_timer->cancel();
  if (impl_->callback_timer) impl_->callback_timer->cancel();
  if (impl_->retention_timer) impl_->retention_timer->cancel();
  if (impl_->replay_timer) impl_->replay_timer->cancel();
  if (impl_->usage) impl_->usage->Stop();
  if (impl_->io) impl_->io->stop();
}

}  // namespace liverec::server
