// DescribeLiveStreamSnapshotInfo: the snapshots of a stream taken between StartTime and EndTime
// (at most a day apart), Limit (1-100) at a time, with NextStartTime when more are left, each
// with ImageUrl, the URL that reads it the way RecordUrl reads a recording (docs/api/snapshots.md).
#include "api/actions/actions.h"
#include "api/record_config_params.h"
#include "api/record_index_params.h"
#include "api/snapshot_params.h"
#include "base/names.h"
#include "base/time_format.h"

namespace liverec::api::actions {

Result<nlohmann::json> DescribeLiveStreamSnapshotInfo(ActionContext& context,
                                                      const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireSnapshotDependencies(context));
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  auto app = params.Required("AppName");
  if (!app) return Error(app.error());
  if (!IsValidAppName(*app)) return Error(ErrorCode::kInvalidAppNameMalformed);
  auto stream = params.Required("StreamName");
  if (!stream) return Error(stream.error());
  if (!IsValidAppName(*stream)) return Error(ErrorCode::kInvalidStreamNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  auto range = ParseTimeRange(context, params,
                              TimeRangeRules{1, context.deps.snapshots.history_ms, "snapshots",
                                             /*end_second_inclusive=*/true});
  if (!range) return Error(range.error());
  auto limit = params.OptionalInt("Limit", 1, 100, ErrorCode::kInvalidLimitMalformed);
  if (!limit) return Error(limit.error());
  auto order = params.OptionalChoice("Order", {"asc", "desc"}, "asc");
  if (!order) return Error(order.error());

  metadata::SnapshotQuery query{
      context.caller.account_id, *domain,        *app, *stream, range->start_ms, range->end_ms,
      limit->value_or(10),       *order == "asc"};
  auto page = context.deps.snapshots.snapshots->List(query);
  if (!page) return Error(page.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : page->snapshots) {
    list.push_back({{"OssEndpoint", s.oss_endpoint},
                    {"OssBucket", s.oss_bucket},
                    {"OssObject", s.oss_object},
                    {"CreateTime", FormatIsoUtc(s.created_at_ms)},
                    {"CreateTimestamp", s.created_at_ms},
                    {"IsOverlay", s.is_overlay},
                    // liverec's extension: where a browser loads it (signed for private buckets).
                    {"ImageUrl", RecordUrl(context, s.oss_endpoint, s.oss_bucket, s.oss_object)}});
  }
  nlohmann::json body{{"LiveStreamSnapshotInfoList", {{"LiveStreamSnapshotInfo", list}}}};
  if (page->next_ms) body["NextStartTime"] = FormatIsoUtc(*page->next_ms);
  return body;
}

}  // namespace liverec::api::actions
