// ActionContext: what an action may use. Built per request by ApiService; actions get the
// caller's account, the time, and the repositories — never the HTTP request.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/authenticator.h"
#include "api/watch_path.h"
#include "base/clock.h"
#include "base/random.h"
#include "callbacks/url_safety.h"
#include "cluster/command_channel.h"
#include "cluster/stream_directory.h"
#include "ingest/stream_registry.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/index_file_repository.h"
#include "metadata/node_repository.h"
#include "metadata/notify_config_repository.h"
#include "metadata/publish_history_repository.h"
#include "metadata/record_config_repository.h"
#include "metadata/record_usage_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/relay_task_repository.h"
#include "metadata/snapshot_config_repository.h"
#include "metadata/snapshot_repository.h"
#include "metadata/stream_block_repository.h"
#include "metadata/streams_notify_config_repository.h"
#include "metadata/tenant_repository.h"
#include "recorder/cycle_manager.h"
#include "recorder/live_controls.h"
#include "relay/relay_task_listener.h"
#include "relay/relay_url_policy.h"

namespace liverec::api {

// Lower bounds of recording parameters. Production values are the API's; only the config's
// [testing] section (enabled = true) lowers them.
struct RecordLimits {
  int64_t min_delay_time_s = 15;
  int64_t min_cycle_duration_s = 900;
  int64_t min_slice_duration_s = 5;
};

// What the recorded-content and index-file actions need besides the repositories.
struct IndexOptions {
  std::string public_url;  // base of stored absolute URLs: <public_url>/<bucket>/<key>
  // Buckets liverec does not serve itself (S3), (endpoint, bucket) -> base of their RecordUrls:
  // <base>/<key>.
  std::map<std::pair<std::string, std::string>, std::string> bucket_urls;
  // The URL handed out for an object (RecordUrl): signed for a private bucket (the server's
  // BucketAccess::ObjectUrl). Null: the plain URL (ObjectUrl in record_index_params.h).
  std::function<std::string(const std::string& endpoint, const std::string& bucket,
                            const std::string& key)>
      record_url;
  // A stream's watch playlist URL (api/watch_path.h), signed with its bucket's key for
  // `lifetime_s` (0: the bucket's url_expiry_s): the server's BucketAccess::SignedPathUrl. Null:
  // the server serves no watch playlists.
  std::function<Result<std::string>(const WatchTarget& target, int64_t lifetime_s)> watch_url;
  int64_t max_index_slices = 100'000;
  int64_t slice_retention_ms = 90LL * 24 * 3600'000;
  // How long index files' metadata is kept (recording.index_retention_days): the oldest
  // StartTime DescribeLiveStreamRecordIndexFiles accepts.
  int64_t index_retention_ms = 180LL * 24 * 3600'000;
  int time_zone_minutes = 0;
};

// What the notify-config actions need: whether private callback hosts are allowed
// ([callbacks] allow_private_addresses) and how names are resolved to check them.
struct NotifyOptions {
  bool allow_private_addresses = false;
  callbacks::Resolver resolve = callbacks::SystemResolve;
};

// Live streams and their publish/unpublish callback configs (docs/api/streams.md); null in
// tests that do not use them. URL checks follow NotifyOptions.
struct StreamServices {
  ingest::StreamRegistry* registry = nullptr;
  metadata::StreamsNotifyConfigRepository* notify_configs = nullptr;
  // Forbidden streams (docs/api/moderation.md).
  metadata::StreamBlockRepository* blocks = nullptr;
  // Publish sessions (DescribeLiveStreamsPublishList), kept publish_history_ms.
  metadata::PublishHistoryRepository* publish_history = nullptr;
  int64_t publish_history_ms = 30LL * 24 * 3600'000;
};

// Pull-to-push tasks (docs/api/relay.md): the repository (null in tests that do not use it),
// the URL policy, the limits, and the scheduler's listener (null until a relay runner exists).
struct RelayServices {
  metadata::RelayTaskRepository* tasks = nullptr;
  relay::UrlPolicy urls;
  int64_t max_tasks = 100;            // per account, tasks that have not exited
  int64_t max_cluster_tasks = 0;      // all accounts together (0: no limit)
  int64_t min_retry_interval_s = 60;  // lowered only by the config's [testing] section
  int64_t exited_retention_ms = relay::kDefaultExitedRetentionMs;
  relay::RelayTaskListener* listener = nullptr;
};

// Snapshot configs and the snapshots taken (docs/api/snapshots.md); null in tests that do not
// use them.
struct SnapshotServices {
  metadata::SnapshotConfigRepository* configs = nullptr;
  metadata::SnapshotRepository* snapshots = nullptr;
  int64_t min_time_interval_s = 5;             // lowered only by the config's [testing] section
  int64_t history_ms = 180LL * 24 * 3600'000;  // [snapshots] history_days
};

// Cluster mode (PostgreSQL; docs/cluster.md): the streams live on the other nodes, and the
// channel that runs a command on the node a stream is live on. Null on a single node (SQLite).
struct ClusterServices {
  cluster::StreamDirectory* directory = nullptr;
  cluster::CommandChannel* commands = nullptr;
};

// The nodes as an operator sees them (DescribeLiveClusterNodes; docs/api/cluster.md).
struct NodeListing {
  bool cluster_mode = false;  // PostgreSQL (docs/cluster.md); false: this node alone, on SQLite
  std::string this_node;      // the node answering
  int64_t lease_ms = 0;       // the membership lease (cluster mode)
  std::vector<metadata::NodeStatus> nodes;  // by node id
};

// What only operator accounts may see (api.operator_accounts, docs/configuration.md).
struct OperatorServices {
  std::set<std::string> account_ids;  // the operator accounts, by account id
  // The nodes as seen at `now_ms`; null: not served (the action answers InternalError).
  std::function<Result<NodeListing>(int64_t now_ms)> nodes;
};

// Long-lived services the actions use (owned by the server's composition root).
struct ApiDependencies {
  const Clock& clock;
  RandomSource& random;
  metadata::TenantRepository& tenants;
  metadata::RecordConfigRepository& record_configs;
  RecordLimits limits;
  // Recorded content and index files (null in tests that do not use them).
  metadata::RecordingRepository* recordings = nullptr;
  metadata::IndexFileRepository* index_files = nullptr;
  recorder::StoreLookup stores;
  IndexOptions index;
  // Recording callbacks (null in tests that do not use them).
  metadata::NotifyConfigRepository* notify_configs = nullptr;
  metadata::CallbackOutboxRepository* callback_outbox = nullptr;
  NotifyOptions notify;
  // The live publishes' recording controls, for RealTimeRecordCommand (null in tests that do not
  // use it).
  recorder::LiveControls* live_controls = nullptr;
  StreamServices streams;
  // Recording usage (DescribeLiveDomainRecordUsageData); null in tests that do not use it.
  metadata::RecordUsageRepository* record_usage = nullptr;
  ClusterServices cluster;
  OperatorServices operators;
  RelayServices relay;
  SnapshotServices snapshots;
  // Replay protection (the composition root chooses; must outlive the service). Null: the service
  // keeps a MemoryNonceStore of ApiOptions::nonce_capacity.
  NonceStore* nonces = nullptr;
};

struct ActionContext {
  ApiDependencies& deps;
  Caller caller;
  int64_t now_ms = 0;
  std::string request_id;
};

}  // namespace liverec::api
