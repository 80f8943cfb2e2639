// SnapshotNotifier: the snapshot callback (docs/callbacks.md "Snapshot callback"), one POST per
// stored snapshot object to the snapshot config's Callback URL, enqueued in the Outbox (durable,
// retried like every callback). Signed (ALI-LIVE-TIMESTAMP / ALI-LIVE-SIGNATURE) with the
// domain's recording notify config's NotifyAuthKey when that config has NotifyReqAuth, as the
// cloud signs recording and snapshot callbacks alike. A database read and insert; never network.
// Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <string>

#include "callbacks/outbox.h"
#include "metadata/notify_config_repository.h"

namespace liverec::callbacks {

struct SnapshotInfo {
  std::string account_id;
  std::string domain;
  std::string app;
  std::string stream;
  std::string oss_endpoint;
  std::string oss_bucket;
  std::string oss_object;
  bool is_overlay = false;  // the OverwriteOssObject (else a SequenceOssObject)
  int64_t taken_ms = 0;
  int width = 0;
  int height = 0;
};

// {"event":"live_snapshot","domain","app","stream","ossEndpoint","ossBucket","ossObject",
//  "isOverlay","timestamp" (UNIX seconds),"width","height"}
std::string SnapshotBody(const SnapshotInfo& snapshot);

class SnapshotNotifier {
 public:
  virtual ~SnapshotNotifier() = default;
  // The event id, or "" when `callback_url` is empty.
  virtual Result<std::string> Taken(const std::string& callback_url,
                                    const SnapshotInfo& snapshot) = 0;
};

class OutboxSnapshotNotifier final : public SnapshotNotifier {
 public:
  OutboxSnapshotNotifier(metadata::NotifyConfigRepository& notify_configs, Outbox& outbox)
      : notify_configs_(notify_configs), outbox_(outbox) {}

  Result<std::string> Taken(const std::string& callback_url, const SnapshotInfo& snapshot) override;

 private:
  metadata::NotifyConfigRepository& notify_configs_;
  Outbox& outbox_;
};

}  // namespace liverec::callbacks
