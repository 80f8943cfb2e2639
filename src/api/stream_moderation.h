// What the moderation actions share (ForbidLiveStream, ResumeLiveStream; docs/api/moderation.md):
// the stream they name, checked as every stream action checks it, and the cutting of its publisher
// wherever it is live — on this node through the StreamRegistry, in a cluster on the node the
// directory names, through the command channel (docs/cluster.md "Live streams and commands across
// nodes"), answered within the channel's timeout.
#pragma once

#include <string>
#include <string_view>

#include "api/action_context.h"
#include "api/params.h"
#include "cluster/command_channel.h"
#include "ingest/stream_registry.h"

namespace liverec::api {

struct ModeratedStream {
  std::string domain;
  std::string app;
  std::string stream;
};

// DomainName, AppName and StreamName (one stream, no wildcard), LiveStreamType = publisher, and
// the caller's access to the domain.
Result<ModeratedStream> ParseModeratedStream(ActionContext& context, const Params& params);

// The command kind that cuts a stream's publisher on the node it is live on.
inline constexpr std::string_view kForbidCommandKind = "ForbidLiveStream";

// Cuts the stream's publisher, here or on the node it is live on: true when one was cut, false
// when the stream is live nowhere.
Result<bool> CutPublisher(ActionContext& context, const ModeratedStream& target);

// Makes `channel` cut the publishers other nodes ask this one to cut.
void HandleRemoteForbidCommands(cluster::CommandChannel& channel, ingest::StreamRegistry& registry);

}  // namespace liverec::api
