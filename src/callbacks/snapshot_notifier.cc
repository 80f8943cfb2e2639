#include "callbacks/snapshot_notifier.h"

#include <nlohmann/json.hpp>

namespace liverec::callbacks {

std::string SnapshotBody(const SnapshotInfo& s) {
  nlohmann::ordered_json body;
  body["event"] = "live_snapshot";
  body["domain"] = s.domain;
  body["app"] = s.app;
  body["stream"] = s.stream;
  body["ossEndpoint"] = s.oss_endpoint;
  body["ossBucket"] = s.oss_bucket;
  body["ossObject"] = s.oss_object;
  body["isOverlay"] = s.is_overlay;
  body["timestamp"] = s.taken_ms / 1000;
  body["width"] = s.width;
  body["height"] = s.height;
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<std::string> OutboxSnapshotNotifier::Taken(const std::string& callback_url,
                                                  const SnapshotInfo& snapshot) {
  if (callback_url.empty()) return std::string();
  CallbackEvent event;
  event.account_id = snapshot.account_id;
  event.domain = snapshot.domain;
  event.app = snapshot.app;
  event.stream = snapshot.stream;
  event.kind = "live_snapshot";
  event.url = callback_url;
  event.body = SnapshotBody(snapshot);
  auto config = notify_configs_.Find(snapshot.account_id, snapshot.domain);
  if (!config) return Error(config.error());
  if (*config && (*config)->notify_req_auth) event.sign_key = (*config)->notify_auth_key;
  return outbox_.Enqueue(event);
}

}  // namespace liverec::callbacks
