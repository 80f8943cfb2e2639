#include "recorder/snapshot/snapshot_taker.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "media/snapshot/jpeg_snapshot.h"
#include "storage/object_key_template.h"

namespace liverec::recorder::snapshot {

Status SnapshotTaker::Take(const SnapshotJob& job) {
  const SnapshotTarget& t = *job.target;
  const auto started = std::chrono::steady_clock::now();
  auto fail = [&](const Status& status) {
    metrics_.Failed();
    spdlog::warn("snapshot of {}/{}/{} failed: {}", t.domain, t.app, t.stream, status.ToString());
    return status;
  };
  auto image = media::snapshot::SnapshotJpeg(job.video, job.keyframe);
  if (!image) return fail(image.error());
  const auto encode_time = std::chrono::steady_clock::now() - started;
  storage::ObjectStore* store = stores_(t.config.oss_endpoint, t.config.oss_bucket);
  if (!store) {
    return fail(Status(ErrorCode::kInvalidOssBucketNotFound, "",
                       "bucket " + t.config.oss_bucket + " is not declared (any more)"));
  }
  storage::TemplateValues values{t.app, t.stream, job.sequence, job.taken_ms, job.taken_ms, 0};
  Status first = Status::Ok();
  bool stored = false;
  for (const bool overlay : {true, false}) {
    const std::string& tmpl =
        overlay ? t.config.overwrite_oss_object : t.config.sequence_oss_object;
    if (tmpl.empty()) continue;
    Status status = Store(job, *store, storage::RenderObjectKey(tmpl, values, ""), overlay,
                          image->bytes, image->width, image->height);
    if (!status.ok()) {
      (void)fail(status);
      if (first.ok()) first = status;
      continue;
    }
    stored = true;
  }
  if (stored) metrics_.Taken(encode_time);
  return first;
}

Status SnapshotTaker::Store(const SnapshotJob& job, storage::ObjectStore& store,
                            const std::string& key, bool overlay, const std::vector<uint8_t>& jpeg,
                            int width, int height) {
  const SnapshotTarget& t = *job.target;
  Status put = overlay ? store.ReplaceBytes(key, jpeg) : store.PutBytes(key, jpeg);
  if (put.code() == ErrorCode::kObjectAlreadyExists) {
    return put.WithContext("SequenceOssObject " + key +
                           " names an object stored already; a sequence snapshot never replaces "
                           "one (add {UnixTimestamp} to the template)");
  }
  LIVEREC_RETURN_IF_ERROR(put.WithContext("store " + key));
  metadata::SnapshotRow row{
      t.account_id,        t.domain, t.app,   t.stream,    t.config.oss_endpoint,
      t.config.oss_bucket, key,      overlay, job.taken_ms};
  LIVEREC_RETURN_IF_ERROR(snapshots_.Record(row).WithContext("record snapshot " + key));
  if (notifier_) {
    callbacks::SnapshotInfo info{t.account_id,
                                 t.domain,
                                 t.app,
                                 t.stream,
                                 t.config.oss_endpoint,
                                 t.config.oss_bucket,
                                 key,
                                 overlay,
                                 job.taken_ms,
                                 width,
                                 height};
    auto sent = notifier_->Taken(t.config.callback, info);
    if (!sent) return sent.error().WithContext("snapshot callback for " + key);
  }
  return Status::Ok();
}

}  // namespace liverec::recorder::snapshot
