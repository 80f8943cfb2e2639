#include "server/cluster_streams.h"

#include <algorithm>

#include "api/online_streams.h"
#include "api/stream_moderation.h"

namespace liverec::server {

ClusterStreams::ClusterStreams(metadata::SqlDatabase& db, const Clock& clock, RandomSource& random,
                               const ClusterStreamsOptions& options)
    : directory_(db, clock, options.node_id, options.holder),
      channel_(db, clock, random,
               cluster::CommandOptions{options.node_id, options.command_timeout_ms}),
      listener_(channel_, clock, options.database_url, PollMsFor(options.command_timeout_ms)) {}

int64_t ClusterStreams::PollMsFor(int64_t command_timeout_ms) {
  return std::clamp<int64_t>(command_timeout_ms / 4, 50, 1000);
}

void ClusterStreams::Start(ingest::StreamRegistry& registry, recorder::LiveControls& controls) {
  api::HandleRemoteRecordCommands(channel_, controls);
  api::HandleRemoteForbidCommands(channel_, registry);
  directory_.Start();
  controls_ = &controls;
  registry.SetObserver(this);
  registry_ = &registry;
  listener_.Start();
}

void ClusterStreams::Stop() {
  if (!registry_) return;
  registry_->SetObserver(nullptr);
  registry_ = nullptr;
  listener_.Stop();
  directory_.Stop();
}

metadata::OnlineStreamRow ClusterStreams::RowOf(const ingest::LiveStream& stream) const {
  metadata::OnlineStreamRow row = api::OnlineRowOf(stream);
  row.record_status = api::RecordStatusOf(controls_, stream);
  return row;
}

void ClusterStreams::Live(const ingest::LiveStream& stream) { directory_.Published(RowOf(stream)); }

// About once a second per stream: the recording state is read again with the measurements.
void ClusterStreams::Measured(const ingest::LiveStream& stream) {
  directory_.Measured(RowOf(stream));
}

void ClusterStreams::Gone(const ingest::LiveStream& stream) {
  directory_.Ended(api::OnlineRowOf(stream));
}

}  // namespace liverec::server
