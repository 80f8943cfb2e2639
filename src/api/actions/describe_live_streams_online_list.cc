// DescribeLiveStreamsOnlineList: the streams being published on a streaming domain, from the
// ingest StreamRegistry (this node's) and, in cluster mode, the cluster-wide directory (the other
// nodes') (docs/api/streams.md). AppName matches exactly; StreamName matches as a substring
// (QueryType=fuzzy, the default) or exactly (strict). Only the caller's streams are listed.
// liverec does not transcode: StreamType=trans lists nothing. Each stream carries RecordStatus, a
// liverec extension: its recording task's state.
#include <algorithm>
#include <tuple>

#include "api/actions/actions.h"
#include "api/online_streams.h"
#include "api/record_config_params.h"
#include "base/names.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kDefaultPageSize = 2000;
constexpr int64_t kMaxPageSize = 3000;
constexpr int64_t kMaxPageNum = 100'000;

// The codec ids of the FLV tag header (video CodecID, audio SoundFormat), as the cloud reports
// them; 0 when the track is absent.
int FlvCodecId(media::CodecId codec) {
  switch (codec) {
    case media::CodecId::kH264:
      return 7;
    case media::CodecId::kHevc:
      return 12;
    case media::CodecId::kAac:
      return 10;
    case media::CodecId::kMp3:
      return 2;
    case media::CodecId::kUnknown:
      break;
  }
  return 0;
}

struct OnlineQuery {
  std::string domain;
  std::optional<std::string> app;
  std::optional<std::string> stream;
  bool strict = false;
  bool only_stream = false;
  bool transcoded_only = false;
  int64_t page_num = 1;
  int64_t page_size = kDefaultPageSize;
};

Result<OnlineQuery> ParseQuery(ActionContext& context, const Params& params) {
  OnlineQuery q;
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  q.domain = *domain;
  if (auto app = params.Get("AppName"); app && !app->empty()) q.app = *app;
  if (auto stream = params.Get("StreamName"); stream && !stream->empty()) q.stream = *stream;
  auto query_type = params.OptionalChoice("QueryType", {"fuzzy", "strict"}, "fuzzy");
  if (!query_type) return Error(query_type.error());
  q.strict = *query_type == "strict";
  auto only = params.OptionalChoice("OnlyStream", {"yes", "no"}, "no");
  if (!only) return Error(only.error());
  q.only_stream = *only == "yes";
  auto type = params.OptionalChoice("StreamType", {"all", "raw", "trans"}, "all");
  if (!type) return Error(type.error());
  q.transcoded_only = *type == "trans";
  auto page_num =
      params.OptionalInt("PageNum", 1, kMaxPageNum, ErrorCode::kInvalidPageNumMalformed);
  if (!page_num) return Error(page_num.error());
  auto page_size =
      params.OptionalInt("PageSize", 1, kMaxPageSize, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  q.page_num = page_num->value_or(1);
  q.page_size = page_size->value_or(kDefaultPageSize);
  return q;
}

// A listed stream and its recording state (RecordStatus; "" when not known).
struct Listed {
  ingest::LiveStream stream;
  std::string record_status;
};

bool Matches(const OnlineQuery& q, const ingest::LiveStream& s) {
  if (q.transcoded_only) return false;
  if (q.app && s.app != *q.app) return false;
  if (!q.stream) return true;
  return q.strict ? s.stream == *q.stream : s.stream.find(*q.stream) != std::string::npos;
}

nlohmann::json StreamToJson(const Listed& listed, bool only_stream) {
  const ingest::LiveStream& s = listed.stream;
  nlohmann::json info = {{"DomainName", s.domain},
                         {"AppName", s.app},
                         {"StreamName", s.stream},
                         {"PublishTime", FormatIsoUtc(s.publish_time_ms)}};
  if (only_stream) return info;
  std::string publish_domain = s.ingest_domain.empty() ? s.domain : s.ingest_domain;
  info["PublishDomain"] = publish_domain;
  info["PublishUrl"] = "rtmp://" + publish_domain + "/" + s.app + "/" + s.stream;
  info["PublishType"] = "edge";
  info["Transcoded"] = "no";
  info["ClientIp"] = s.client_ip;
  info["ServerIp"] = s.server_ip;
  info["VideoCodecId"] = FlvCodecId(s.stats.video_codec);
  info["AudioCodecId"] = FlvCodecId(s.stats.audio_codec);
  info["Width"] = s.stats.width;
  info["Height"] = s.stats.height;
  info["FrameRate"] = s.stats.frame_rate;
  info["VideoDataRate"] = s.stats.video_kbps;
  info["AudioDataRate"] = s.stats.audio_kbps;
  // liverec's extension: this node's recording task, or what the stream's node last wrote.
  if (!listed.record_status.empty()) info["RecordStatus"] = listed.record_status;
  return info;
}

}  // namespace

Result<nlohmann::json> DescribeLiveStreamsOnlineList(ActionContext& context, const Params& params) {
  if (!context.deps.streams.registry) {
    return Error(ErrorCode::kInternalError, "", "the stream registry is not configured");
  }
  auto q = ParseQuery(context, params);
  if (!q) return Error(q.error());
  const std::string& account = context.caller.account_id;
  std::vector<Listed> live;
  for (auto& stream : context.deps.streams.registry->List(account, q->domain)) {
    std::string status = RecordStatusOf(context.deps.live_controls, stream);
    live.push_back({std::move(stream), std::move(status)});
  }
  if (auto* directory = context.deps.cluster.directory) {
    auto others = directory->ListOthers(account, q->domain);
    if (!others) return Error(others.error());
    for (const auto& row : *others) live.push_back({LiveStreamOf(row), row.record_status});
    std::stable_sort(live.begin(), live.end(), [](const auto& a, const auto& b) {
      return std::tie(a.stream.app, a.stream.stream) < std::tie(b.stream.app, b.stream.stream);
    });
  }
  std::vector<Listed> matching;
  for (auto& listed : live) {
    if (Matches(*q, listed.stream)) matching.push_back(std::move(listed));
  }
  auto total = static_cast<int64_t>(matching.size());
  nlohmann::json list = nlohmann::json::array();
  for (int64_t i = (q->page_num - 1) * q->page_size;
       i < std::min(total, q->page_num * q->page_size); ++i) {
    list.push_back(StreamToJson(matching[static_cast<size_t>(i)], q->only_stream));
  }
  return nlohmann::json{{"PageNum", q->page_num},
                        {"PageSize", q->page_size},
                        {"TotalNum", total},
                        {"TotalPage", (total + q->page_size - 1) / q->page_size},
                        {"OnlineInfo", nlohmann::json{{"LiveStreamOnlineInfo", list}}}};
}

}  // namespace liverec::api::actions
