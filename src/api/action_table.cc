#include "api/action_table.h"

#include <array>

#include "api/actions/actions.h"

namespace liverec::api {
namespace {

constexpr std::array kActions = {
    ActionEntry{"AddLiveAppRecordConfig", &actions::AddLiveAppRecordConfig},
    ActionEntry{"UpdateLiveAppRecordConfig", &actions::UpdateLiveAppRecordConfig},
    ActionEntry{"DeleteLiveAppRecordConfig", &actions::DeleteLiveAppRecordConfig},
    ActionEntry{"DescribeLiveRecordConfig", &actions::DescribeLiveRecordConfig},
    ActionEntry{"DescribeLiveStreamRecordContent", &actions::DescribeLiveStreamRecordContent},
    ActionEntry{"CreateLiveStreamRecordIndexFiles", &actions::CreateLiveStreamRecordIndexFiles},
    ActionEntry{"DescribeLiveStreamRecordIndexFiles", &actions::DescribeLiveStreamRecordIndexFiles},
    ActionEntry{"DescribeLiveStreamRecordIndexFile", &actions::DescribeLiveStreamRecordIndexFile},
    ActionEntry{"DeleteLiveStreamRecordIndexFiles", &actions::DeleteLiveStreamRecordIndexFiles},
    ActionEntry{"AddLiveRecordNotifyConfig", &actions::AddLiveRecordNotifyConfig},
    ActionEntry{"UpdateLiveRecordNotifyConfig", &actions::UpdateLiveRecordNotifyConfig},
    ActionEntry{"DeleteLiveRecordNotifyConfig", &actions::DeleteLiveRecordNotifyConfig},
    ActionEntry{"DescribeLiveRecordNotifyConfig", &actions::DescribeLiveRecordNotifyConfig},
    ActionEntry{"DescribeLiveRecordNotifyRecords", &actions::DescribeLiveRecordNotifyRecords},
    ActionEntry{"RealTimeRecordCommand", &actions::RealTimeRecordCommand},
    ActionEntry{"SetLiveStreamsNotifyUrlConfig", &actions::SetLiveStreamsNotifyUrlConfig},
    ActionEntry{"DescribeLiveStreamsNotifyUrlConfig", &actions::DescribeLiveStreamsNotifyUrlConfig},
    ActionEntry{"DeleteLiveStreamsNotifyUrlConfig", &actions::DeleteLiveStreamsNotifyUrlConfig},
    ActionEntry{"DescribeLiveStreamsOnlineList", &actions::DescribeLiveStreamsOnlineList},
    ActionEntry{"ForbidLiveStream", &actions::ForbidLiveStream},
    ActionEntry{"ResumeLiveStream", &actions::ResumeLiveStream},
    ActionEntry{"DescribeLiveStreamsBlockList", &actions::DescribeLiveStreamsBlockList},
    ActionEntry{"DescribeLiveUserDomains", &actions::DescribeLiveUserDomains},
    ActionEntry{"DescribeLiveStreamWatchUrl", &actions::DescribeLiveStreamWatchUrl},
    ActionEntry{"DescribeLiveClusterNodes", &actions::DescribeLiveClusterNodes},
    ActionEntry{"DescribeLiveStreamRecordFiles", &actions::DescribeLiveStreamRecordFiles},
    ActionEntry{"DescribeLiveStreamsPublishList", &actions::DescribeLiveStreamsPublishList},
    ActionEntry{"AddLiveAppSnapshotConfig", &actions::AddLiveAppSnapshotConfig},
    ActionEntry{"UpdateLiveAppSnapshotConfig", &actions::UpdateLiveAppSnapshotConfig},
    ActionEntry{"DeleteLiveAppSnapshotConfig", &actions::DeleteLiveAppSnapshotConfig},
    ActionEntry{"DescribeLiveSnapshotConfig", &actions::DescribeLiveSnapshotConfig},
    ActionEntry{"DescribeLiveStreamSnapshotInfo", &actions::DescribeLiveStreamSnapshotInfo},
    ActionEntry{"DescribeLiveDomainRecordUsageData", &actions::DescribeLiveDomainRecordUsageData},
    ActionEntry{"CreateLivePullToPush", &actions::CreateLivePullToPush},
    ActionEntry{"UpdateLivePullToPush", &actions::UpdateLivePullToPush},
    ActionEntry{"DeleteLivePullToPush", &actions::DeleteLivePullToPush},
    ActionEntry{"DescribeLivePullToPush", &actions::DescribeLivePullToPush},
    ActionEntry{"DescribeLivePullToPushList", &actions::DescribeLivePullToPushList},
    ActionEntry{"RestartLivePullToPush", &actions::RestartLivePullToPush},
    ActionEntry{"StopLivePullToPush", &actions::StopLivePullToPush},
};

}  // namespace

const ActionEntry* FindAction(std::string_view name) {
  for (const auto& entry : kActions) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace liverec::api
