// Live streams across the nodes of a cluster (docs/cluster.md "Live streams and commands across
// nodes"): a stream as ingest describes it (ingest::LiveStream) and as the cluster-wide directory
// stores it (metadata::OnlineStreamRow), and the command RealTimeRecordCommand sends to the node
// a stream is live on. Pure functions, and the handler registration (before the listener runs).
#pragma once

#include <string_view>

#include "cluster/command_channel.h"
#include "ingest/stream_registry.h"
#include "metadata/online_stream_repository.h"
#include "recorder/live_controls.h"

namespace liverec::api {

// The directory row of a stream live on this node (node id and holder are the directory's).
metadata::OnlineStreamRow OnlineRowOf(const ingest::LiveStream& stream);
// The stream a directory row describes.
ingest::LiveStream LiveStreamOf(const metadata::OnlineStreamRow& row);

// DescribeLiveStreamsOnlineList's RecordStatus of a stream live on this node: its recording
// task's state ("recording", "stopped", "idle"; recorder::TaskStateName), "idle" when it has no
// task (the recorder does not know it), "" when `controls` is null (not known).
std::string RecordStatusOf(const recorder::LiveControls* controls,
                           const ingest::LiveStream& stream);

// The command kind of RealTimeRecordCommand; its payload is the Command parameter.
inline constexpr std::string_view kRecordCommandKind = "RealTimeRecordCommand";

// Makes `channel` run RealTimeRecordCommand sent by other nodes through `controls`, as a call to
// this node would (the same state machine, errors and config lookup).
void HandleRemoteRecordCommands(cluster::CommandChannel& channel, recorder::LiveControls& controls);

}  // namespace liverec::api
