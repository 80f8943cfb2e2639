// Every API action: (ActionContext&, const Params&) -> Result<json>. One file each, registered in
// api/action_table.cc. docs/api/ describes each one.
#pragma once

#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/params.h"

namespace liverec::api::actions {

// Recording configs (docs/api/record-configs.md).
Result<nlohmann::json> AddLiveAppRecordConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> UpdateLiveAppRecordConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DeleteLiveAppRecordConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveRecordConfig(ActionContext& context, const Params& params);

// Recorded content and index files (docs/api/record-index.md).
Result<nlohmann::json> DescribeLiveStreamRecordContent(ActionContext& context,
                                                       const Params& params);
Result<nlohmann::json> CreateLiveStreamRecordIndexFiles(ActionContext& context,
                                                        const Params& params);
Result<nlohmann::json> DescribeLiveStreamRecordIndexFiles(ActionContext& context,
                                                          const Params& params);
Result<nlohmann::json> DescribeLiveStreamRecordIndexFile(ActionContext& context,
                                                         const Params& params);
Result<nlohmann::json> DeleteLiveStreamRecordIndexFiles(ActionContext& context,
                                                        const Params& params);

// Recording callbacks (docs/api/notify-configs.md).
Result<nlohmann::json> AddLiveRecordNotifyConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> UpdateLiveRecordNotifyConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DeleteLiveRecordNotifyConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveRecordNotifyConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveRecordNotifyRecords(ActionContext& context,
                                                       const Params& params);

// Manual recording (docs/api/record-commands.md).
Result<nlohmann::json> RealTimeRecordCommand(ActionContext& context, const Params& params);

// Stream publish/unpublish callbacks and the live list (docs/api/streams.md).
Result<nlohmann::json> SetLiveStreamsNotifyUrlConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveStreamsNotifyUrlConfig(ActionContext& context,
                                                          const Params& params);
Result<nlohmann::json> DeleteLiveStreamsNotifyUrlConfig(ActionContext& context,
                                                        const Params& params);
Result<nlohmann::json> DescribeLiveStreamsOnlineList(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveStreamsPublishList(ActionContext& context, const Params& params);

// Recording usage (docs/api/usage.md).
Result<nlohmann::json> DescribeLiveDomainRecordUsageData(ActionContext& context,
                                                         const Params& params);
// Moderation (docs/api/moderation.md).
Result<nlohmann::json> ForbidLiveStream(ActionContext& context, const Params& params);
Result<nlohmann::json> ResumeLiveStream(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveStreamsBlockList(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveUserDomains(ActionContext& context, const Params& params);
// liverec's own: a stream's watch playlist URL (docs/api/watch.md).
Result<nlohmann::json> DescribeLiveStreamWatchUrl(ActionContext& context, const Params& params);

// The nodes and their load, for operator accounts (docs/api/cluster.md).
Result<nlohmann::json> DescribeLiveClusterNodes(ActionContext& context, const Params& params);
// liverec's own: a stream's MP4/FLV files (docs/api/record-index.md).
Result<nlohmann::json> DescribeLiveStreamRecordFiles(ActionContext& context, const Params& params);

// Snapshots (docs/api/snapshots.md).
Result<nlohmann::json> AddLiveAppSnapshotConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> UpdateLiveAppSnapshotConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DeleteLiveAppSnapshotConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveSnapshotConfig(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLiveStreamSnapshotInfo(ActionContext& context, const Params& params);

// Pull-to-push relay tasks (docs/api/relay.md).
Result<nlohmann::json> CreateLivePullToPush(ActionContext& context, const Params& params);
Result<nlohmann::json> UpdateLivePullToPush(ActionContext& context, const Params& params);
Result<nlohmann::json> DeleteLivePullToPush(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLivePullToPush(ActionContext& context, const Params& params);
Result<nlohmann::json> DescribeLivePullToPushList(ActionContext& context, const Params& params);
Result<nlohmann::json> RestartLivePullToPush(ActionContext& context, const Params& params);
Result<nlohmann::json> StopLivePullToPush(ActionContext& context, const Params& params);

}  // namespace liverec::api::actions
