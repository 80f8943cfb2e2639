#include "server/recording_callbacks.h"

#include <spdlog/spdlog.h>

namespace liverec::server {
namespace {

callbacks::RecordStatusEvent ToEvent(recorder::RecordingStatus status) {
  switch (status) {
    case recorder::RecordingStatus::kPaused:
      return callbacks::RecordStatusEvent::kPaused;
    case recorder::RecordingStatus::kResumed:
      return callbacks::RecordStatusEvent::kResumed;
    case recorder::RecordingStatus::kError:
      return callbacks::RecordStatusEvent::kError;
    case recorder::RecordingStatus::kStarted:
      break;
  }
  return callbacks::RecordStatusEvent::kStarted;
}

}  // namespace

Status RecordingCallbacks::FileCreated(const recorder::CreatedFile& file) {
  callbacks::FileCreatedInfo info{
      file.domain,      file.app,      file.stream, file.object_key,
      file.duration_ms, file.start_ms, file.end_ms, callbacks::CallbackPushArgs(file.push_args)};
  auto queued = notifier_.FileCreated(file.account_id, file.record_id, info);
  if (!queued) return queued.error().WithContext("file_created for " + file.object_key);
  return Status::Ok();
}

void RecordingCallbacks::StatusChanged(const recorder::StatusChange& change) {
  auto queued = notifier_.StatusChanged(change.account_id, change.domain, change.app, change.stream,
                                        ToEvent(change.status), change.reason);
  if (!queued) {
    spdlog::error("callbacks: {}/{}/{}: status event not queued: {}", change.domain, change.app,
                  change.stream, queued.error().ToString());
  }
}

}  // namespace liverec::server
