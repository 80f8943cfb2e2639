// RecordingCallbacks: the recorder's RecordingEvents turned into recording callbacks
// (docs/callbacks.md):
// each stored file becomes a `file_created` event and each status change a `record_*` event in
// the durable outbox, through the RecordNotifier (which applies the domain's notify config).
// A file_created enqueue failure is returned (the recorder leaves the file unannounced and asks
// again later); a status event's is logged. The recording itself is never held up by its
// callbacks.
// Thread-safety: any thread (the notifier's calls are).
#pragma once

#include "callbacks/record_notifier.h"
#include "recorder/recording_events.h"

namespace liverec::server {

class RecordingCallbacks final : public recorder::RecordingEvents {
 public:
  explicit RecordingCallbacks(callbacks::RecordNotifier& notifier) : notifier_(notifier) {}

  Status FileCreated(const recorder::CreatedFile& file) override;
  void StatusChanged(const recorder::StatusChange& change) override;

 private:
  callbacks::RecordNotifier& notifier_;
};

}  // namespace liverec::server
