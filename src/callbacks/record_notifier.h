// RecordNotifier: what the recorder calls when a recording file is finished or a recording
// changes state. It looks up the domain's notify config and, when callbacks are wanted,
// enqueues the event in the Outbox — a database read and insert, never network.
//
//   FileCreated   after a recording file (m3u8 playlist, MP4, FLV) is stored in the bucket;
//                 always sent when the domain has a notify config. Idempotent per file: the
//                 event id is FileCreatedEventId(account, RecordId), so announcing a file again
//                 (recovery after a crash) enqueues nothing new and returns the same id.
//   StatusChanged record_started / record_paused / record_resumed / record_error; sent only
//                 when the config has NeedStatusNotify.
// Both sign with the config's NotifyAuthKey when NotifyReqAuth is set. Both return the event id,
// or "" when nothing was enqueued (no config, or status events not wanted).
// Thread-safety: OutboxRecordNotifier may be called from any thread.
#pragma once

#include <string>

#include "callbacks/callback_bodies.h"
#include "callbacks/outbox.h"
#include "metadata/notify_config_repository.h"

namespace liverec::callbacks {

// The X-Liverec-Event-Id of the file_created event of recording file `record_id` (the RecordId
// of an m3u8 cycle playlist, or the id of an MP4/FLV file row): a UUIDv8 derived from both
// (base/ids.h NameBasedId), the same every time, never the id of another event.
std::string FileCreatedEventId(const std::string& account_id, const std::string& record_id);

class RecordNotifier {
 public:
  virtual ~RecordNotifier() = default;
  virtual Result<std::string> FileCreated(const std::string& account_id,
                                          const std::string& record_id,
                                          const FileCreatedInfo& file) = 0;
  // `reason`: record_error only (why the recording could not start).
  virtual Result<std::string> StatusChanged(const std::string& account_id,
                                            const std::string& domain, const std::string& app,
                                            const std::string& stream, RecordStatusEvent event,
                                            const std::string& reason = "") = 0;
};

class OutboxRecordNotifier final : public RecordNotifier {
 public:
  OutboxRecordNotifier(metadata::NotifyConfigRepository& configs, Outbox& outbox)
      : configs_(configs), outbox_(outbox) {}

  Result<std::string> FileCreated(const std::string& account_id, const std::string& record_id,
                                  const FileCreatedInfo& file) override;
  Result<std::string> StatusChanged(const std::string& account_id, const std::string& domain,
                                    const std::string& app, const std::string& stream,
                                    RecordStatusEvent event,
                                    const std::string& reason = "") override;

 private:
  metadata::NotifyConfigRepository& configs_;
  Outbox& outbox_;
};

}  // namespace liverec::callbacks
