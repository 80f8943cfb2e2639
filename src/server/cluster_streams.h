// ClusterStreams: live streams and commands across the nodes of a cluster (docs/cluster.md "Live
// streams and commands across nodes"), made on PostgreSQL only, next to the ClusterNode. It
// reports this node's registry to the cluster-wide directory (cluster::StreamDirectory, a writer
// thread: the RTMP I/O threads never wait for the database), with each stream's recording state
// read from the LiveControls at each measurement, serves the commands other nodes send
// for this node's streams (cluster::CommandListener running api::HandleRemoteRecordCommands) and
// gives the API what it needs to list every node's streams and to command them
// (api::ClusterServices).
// Thread-safety: Start and Stop from the server's thread; the observer calls from the registry
// (any I/O thread, never blocking).
#pragma once

#include <memory>
#include <string>

#include "api/action_context.h"
#include "base/clock.h"
#include "base/random.h"
#include "cluster/command_channel.h"
#include "cluster/command_listener.h"
#include "cluster/stream_directory.h"
#include "ingest/stream_registry.h"
#include "metadata/sql_database.h"
#include "recorder/live_controls.h"

namespace liverec::server {

struct ClusterStreamsOptions {
  std::string node_id;
  std::string holder;        // the node's membership holder (Membership::instance_id)
  std::string database_url;  // for the listener's own connection
  int64_t command_timeout_ms = 1000;
};

class ClusterStreams final : public ingest::StreamRegistryObserver {
 public:
  ClusterStreams(metadata::SqlDatabase& db, const Clock& clock, RandomSource& random,
                 const ClusterStreamsOptions& options);
  ~ClusterStreams() override { Stop(); }

  // Serves commands through `controls` and reports `registry` (before the first publish).
  void Start(ingest::StreamRegistry& registry, recorder::LiveControls& controls);
  // After the last publish ended: stops serving, writes the last deletes. Idempotent.
  void Stop();

  api::ClusterServices services() { return {&directory_, &channel_}; }

  // How often the listener reads the command table besides its wake-ups.
  static int64_t PollMsFor(int64_t command_timeout_ms);

  void Live(const ingest::LiveStream& stream) override;
  void Measured(const ingest::LiveStream& stream) override;
  void Gone(const ingest::LiveStream& stream) override;

 private:
  // The directory row of a stream live here, with its recording state.
  metadata::OnlineStreamRow RowOf(const ingest::LiveStream& stream) const;

  cluster::StreamDirectory directory_;
  cluster::CommandChannel channel_;
  cluster::CommandListener listener_;
  ingest::StreamRegistry* registry_ = nullptr;  // observed while started
  // Each row's record_status (api::RecordStatusOf); set in Start, before the first report.
  const recorder::LiveControls* controls_ = nullptr;
};

}  // namespace liverec::server
