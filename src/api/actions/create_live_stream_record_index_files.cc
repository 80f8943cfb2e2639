// CreateLiveStreamRecordIndexFiles: an M3U8 over the stored slices of a time range, written to a
// bucket (docs/api/record-index.md for inclusion, URIs and every error).
#include <algorithm>

#include "api/actions/actions.h"
#include "api/record_config_params.h"
#include "api/record_index_params.h"
#include "base/ids.h"
#include "recorder/playlist.h"
#include "storage/object_key_template.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kTouchToleranceMs = 100;
constexpr int64_t kDefaultSliceMs = 30'000;

Result<bool> ParseBool(const Params& params, const char* name) {
  std::string value = params.Get(name).value_or("");
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value.empty() || value == "false") return false;
  if (value == "true") return true;
  return Error(ErrorCode::kInvalidParameter, name, "Use true or false.");
}

bool Breaks(const metadata::SliceRow& previous, const metadata::SliceRow& slice) {
  return slice.discontinuity || slice.start_ms - previous.end_ms > kTouchToleranceMs ||
         slice.video_codec != previous.video_codec || slice.audio_codec != previous.audio_codec ||
         slice.width != previous.width || slice.height != previous.height;
}

// The SliceDuration of the stream around `at_ms` (the first slice from there), in ms.
Result<int64_t> SliceLengthMs(ActionContext& context, const std::string& stream_id, int64_t at_ms) {
  auto probe =
      context.deps.index_files->FirstSliceFrom(context.caller.account_id, stream_id, at_ms);
  if (!probe) return Error(probe.error());
  if (!*probe) return kDefaultSliceMs;
  auto seconds =
      context.deps.index_files->SliceDurationOfCycle(context.caller.account_id, (*probe)->cycle_id);
  if (!seconds) return Error(seconds.error());
  return *seconds ? **seconds * 1000 : kDefaultSliceMs;
}

}  // namespace

Result<nlohmann::json> CreateLiveStreamRecordIndexFiles(ActionContext& context,
                                                        const Params& params) {
  auto stream = FindRecordedStream(context, params);
  if (!stream) return Error(stream.error());
  auto range = ParseTimeRange(context, params, SliceRangeRules(context));
  if (!range) return Error(range.error());
  auto endpoint = params.Required("OssEndpoint");
  if (!endpoint) return Error(endpoint.error());
  auto bucket = params.Required("OssBucket");
  if (!bucket) return Error(bucket.error());
  LIVEREC_RETURN_IF_ERROR(CheckBucketAccess(context, *endpoint, *bucket));
  auto object = params.Required("OssObject");
  if (!object) return Error(object.error());
  if (auto problem = storage::CheckObjectTemplate(*object, storage::TemplateKind::kIndex,
                                                  stream->app_name, stream->stream_name, "")) {
    return Error(ErrorCode::kInvalidOssObjectMalformed, "", "OssObject: " + *problem + ".");
  }
  auto include_end = ParseBool(params, "EndTimeIncluded");
  if (!include_end) return Error(include_end.error());

  auto slice_ms = SliceLengthMs(context, stream->id, range->start_ms);
  if (!slice_ms) return Error(slice_ms.error());
  if (range->end_ms - range->start_ms < *slice_ms) {
    return Error(
        ErrorCode::kInvalidEndTimeMismatch, "",
        "The range must be at least one slice (" + std::to_string(*slice_ms / 1000) + " s).");
  }

  const std::string& account = context.caller.account_id;
  int64_t limit = context.deps.index.max_index_slices;
  auto slices = context.deps.index_files->SlicesStartingIn(account, stream->id, range->start_ms,
                                                           range->end_ms, limit + 1);
  if (!slices) return Error(slices.error());
  if (*include_end && (slices->empty() || slices->back().end_ms < range->end_ms)) {
    auto next = context.deps.index_files->FirstSliceFrom(account, stream->id, range->end_ms);
    if (!next) return Error(next.error());
    if (*next) slices->push_back(**next);
  }
  if (slices->empty()) return Error(ErrorCode::kNoRecordContent);
  if (static_cast<int64_t>(slices->size()) > limit) {
    return Error(ErrorCode::kRecordContentExceed, "",
                 "At most " + std::to_string(limit) + " slices per index file.");
  }
  const auto& first = slices->front();
  for (const auto& slice : *slices) {
    if (slice.endpoint != first.endpoint || slice.bucket != first.bucket) {
      return Error(ErrorCode::kInvalidConfigChanged);
    }
  }

  storage::TemplateValues values{stream->app_name,
                                 stream->stream_name,
                                 0,
                                 range->start_ms,
                                 range->end_ms,
                                 int64_t{context.deps.index.time_zone_minutes} * 60'000};
  std::string key = storage::RenderObjectKey(*object, values, "");
  if (auto problem = storage::CheckObjectKey(key)) {
    return Error(ErrorCode::kInvalidOssObjectMalformed, "", "OssObject: " + *problem + ".");
  }
  storage::ObjectStore* store = context.deps.stores(*endpoint, *bucket);
  if (!store) return Error(ErrorCode::kInvalidOssBucketNotFound);
  bool same_bucket = first.endpoint == *endpoint && first.bucket == *bucket;
  std::string extension = key.ends_with(".m3u8") ? ".m3u8" : "";
  auto stored = recorder::PutWithoutOverwrite(
      key.substr(0, key.size() - extension.size()), extension, [&](const std::string& k) {
        std::vector<recorder::PlaylistSegment> segments;
        segments.reserve(slices->size());
        recorder::RelativeUriMaker relative(k);
        for (size_t i = 0; i < slices->size(); ++i) {
          const auto& s = (*slices)[i];
          std::string uri = same_bucket ? relative.Make(s.object_key)
                                        : ObjectUrl(context, s.endpoint, s.bucket, s.object_key);
          segments.push_back({std::move(uri), s.duration_ms, i > 0 && Breaks((*slices)[i - 1], s)});
        }
        std::string text = recorder::BuildPlaylist(segments, 0, true);
        return store->PutBytes(
            k, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
      });
  if (!stored) return Error(stored.error());

  metadata::IndexFileRow file;
  file.account_id = account;
  file.id = NewId(context.deps.clock, context.deps.random);
  file.stream_id = stream->id;
  file.source = "index";
  file.endpoint = *endpoint;
  file.bucket = *bucket;
  file.object_key = *stored;
  file.start_ms = first.start_ms;
  file.end_ms = slices->back().end_ms;
  for (const auto& s : *slices) {
    file.duration_ms += s.duration_ms;
    if (file.width == 0 && s.width > 0) {
      file.width = s.width;
      file.height = s.height;
    }
  }
  file.created_at_ms = context.now_ms;
  LIVEREC_RETURN_IF_ERROR(context.deps.index_files->Insert(file));
  return nlohmann::json{{"RecordInfo", IndexFileToJson(context, *stream, file, false)}};
}

}  // namespace liverec::api::actions
