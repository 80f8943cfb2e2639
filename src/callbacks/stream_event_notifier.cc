#include "callbacks/stream_event_notifier.h"

#include "base/percent_encoding.h"
#include "metadata/callback_outbox_repository.h"

namespace liverec::callbacks {
namespace {

void Append(std::string& query, std::string_view name, std::string_view value) {
  if (!query.empty()) query += '&';
  query += name;
  query += '=';
  query += PopEncode(value);
}

}  // namespace

std::string_view StreamEventActionName(StreamEventAction action) {
  return action == StreamEventAction::kPublish ? metadata::kPublishKind
                                               : metadata::kPublishDoneKind;
}

std::string StreamEventQuery(StreamEventAction action, const StreamEventInfo& info,
                             std::string_view node) {
  std::string query;
  Append(query, "action", StreamEventActionName(action));
  Append(query, "ip", info.client_ip);
  Append(query, "id", info.stream);
  Append(query, "app", info.ingest_domain.empty() ? info.domain : info.ingest_domain);
  Append(query, "appname", info.app);
  Append(query, "time", std::to_string(info.time_ms / 1000));
  Append(query, "usrargs", info.usrargs);
  Append(query, "node", node);
  if (action == StreamEventAction::kPublish) {
    Append(query, "height", std::to_string(info.height));
    Append(query, "width", std::to_string(info.width));
  }
  return query;
}

Result<std::optional<metadata::StreamsNotifyConfig>> OutboxStreamEventNotifier::ConfigFor(
    const StreamEventInfo& info) {
  if (!info.ingest_domain.empty() && info.ingest_domain != info.domain) {
    auto own = configs_.Find(info.account_id, info.ingest_domain);
    if (!own || *own) return own;
  }
  return configs_.Find(info.account_id, info.domain);
}

Result<std::string> OutboxStreamEventNotifier::Enqueue(
    StreamEventAction action, const StreamEventInfo& info,
    const metadata::StreamsNotifyConfig& config) {
  CallbackEvent event;
  event.account_id = config.account_id;
  event.domain = config.domain_name;
  event.app = info.app;
  event.stream = info.stream;
  event.kind = std::string(StreamEventActionName(action));
  event.url = config.notify_url;
  event.method = "GET";
  event.query = StreamEventQuery(action, info, node_);
  if (config.notify_req_auth) {
    event.sign_key = config.notify_auth_key;
    event.sign_host = config.domain_name;
  }
  return outbox_.Enqueue(event);
}

Result<std::string> OutboxStreamEventNotifier::Published(const StreamEventInfo& info) {
  auto config = ConfigFor(info);
  if (!config) return Error(config.error());
  if (!*config || (*config)->notify_url.empty()) return std::string();
  auto id = Enqueue(StreamEventAction::kPublish, info, **config);
  if (id) {
    std::lock_guard lock(mutex_);
    announced_.insert(info.publish_id);
  }
  return id;
}

Result<std::string> OutboxStreamEventNotifier::PublishDone(const StreamEventInfo& info) {
  {
    std::lock_guard lock(mutex_);
    if (announced_.erase(info.publish_id) == 0) return std::string();
  }
  auto config = ConfigFor(info);
  if (!config) return Error(config.error());
  if (!*config || (*config)->notify_url.empty()) return std::string();
  return Enqueue(StreamEventAction::kPublishDone, info, **config);
}

}  // namespace liverec::callbacks
