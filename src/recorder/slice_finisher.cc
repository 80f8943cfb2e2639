#include "recorder/slice_finisher.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "storage/object_key_template.h"

namespace liverec::recorder {

Status SliceFinisher::Finish(const SpoolSlice& slice) {
  const RecordingPlan& plan = slice.plan;
  storage::ObjectStore* store = stores_(plan.endpoint, plan.bucket);
  if (!store) {
    return Status(ErrorCode::kInvalidOssBucketNotFound, "",
                  "bucket " + plan.endpoint + "/" + plan.bucket + " is not declared");
  }
  auto cycle = cycles_.Attach(plan, slice.start_ms);
  if (!cycle) return cycle.error();
  account_id_ = plan.account_id;
  cycle_id_ = cycle->id;

  auto sequence = recordings_.TakeSequence(plan.account_id, plan.stream_id,
                                           metadata::SequenceKind::kSlice);
  if (!sequence) return sequence.error();
  storage::TemplateValues values{plan.app, plan.stream, *sequence, slice.start_ms, slice.end_ms,
                                 int64_t{plan.time_zone_minutes} * 60'000};
  std::string base = storage::RenderObjectKey(plan.slice_template, values, "");
  std::string path = spool_.ClosedPath(slice);
  auto key = PutWithoutOverwrite(base, ".ts", [&](const std::string& k) {
    return store->PutFile(k, path);
  });
  if (!key) return key.error();

  std::error_code ec;
  auto bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  metadata::SliceRow row{plan.account_id, plan.stream_id, slice.start_ms, slice.end_ms,
                         slice.end_ms - slice.start_ms, ec ? 0 : bytes, plan.endpoint,
                         plan.bucket, *key, slice.video_codec, slice.audio_codec, slice.width,
                         slice.height, *sequence, cycle->id, slice.discontinuity};
  LIVEREC_RETURN_IF_ERROR(recordings_.InsertSlice(row));
  LIVEREC_RETURN_IF_ERROR(recordings_.TouchCycle(plan.account_id, cycle->id, slice.start_ms,
                                                 slice.end_ms, clock_.NowMs()));
  Status playlist = cycles_.SliceAdded(plan, cycle->id);
  if (!playlist.ok()) spdlog::warn("recorder: spool playlist: {}", playlist.ToString());
  spool_.Remove(slice);
  spdlog::debug("recorder: {}/{}/{}: slice {} stored as {} ({} ms)", plan.domain, plan.app,
                plan.stream, *sequence, *key, row.duration_ms);
  return Status::Ok();
}

Status SliceFinisher::End() {
  if (cycle_id_.empty()) return Status::Ok();
  return cycles_.Detach(account_id_, cycle_id_);
}

}  // namespace liverec::recorder
