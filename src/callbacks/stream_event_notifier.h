// StreamEventNotifier: the stream publish/unpublish callbacks (docs/api/streams.md).
// OutboxStreamEventNotifier looks up the streams notify config of the domain the
// publisher named — else of the streaming domain it maps to — and enqueues an HTTP GET to its
// NotifyUrl in the Outbox, the query string built here:
//   action=publish|publish_done, ip, id (stream), app (the domain the publisher named), appname,
//   time (UNIX seconds), usrargs (the publish query as sent), node (this host), and on publish
//   only height and width.
// Signed (ALI-LIVE-TIMESTAMP / ALI-LIVE-SIGNATURE) when the config says NotifyReqAuth=yes, over
// the domain the config is set on: md5("<DomainName>|<timestamp>|<NotifyAuthKey>").
// publish_done is sent only for a publish whose publish callback was enqueued (per publish_id)
// and only while the domain still has a config. A database read and insert; never network.
// Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "callbacks/outbox.h"
#include "metadata/streams_notify_config_repository.h"

namespace liverec::callbacks {

struct StreamEventInfo {
  uint64_t publish_id = 0;  // pairs a publish_done with its publish
  std::string account_id;
  std::string ingest_domain;  // the domain the publisher named (vhost or host), before aliases
  std::string domain;         // the streaming domain
  std::string app;
  std::string stream;
  std::string client_ip;
  std::string usrargs;  // the publish URL's query as sent
  int64_t time_ms = 0;  // publish: when the publish began; publish_done: when it ended
  int width = 0;        // publish only
  int height = 0;
};

enum class StreamEventAction { kPublish, kPublishDone };

// "publish" | "publish_done": the `action` parameter and the outbox kind (NotifyType).
std::string_view StreamEventActionName(StreamEventAction action);

// The query string (RFC 3986-encoded values) in the order above; height and width on publish.
std::string StreamEventQuery(StreamEventAction action, const StreamEventInfo& info,
                             std::string_view node);

class StreamEventNotifier {
 public:
  virtual ~StreamEventNotifier() = default;
  // The event id, or "" when nothing was enqueued.
  virtual Result<std::string> Published(const StreamEventInfo& info) = 0;
  virtual Result<std::string> PublishDone(const StreamEventInfo& info) = 0;
};

class OutboxStreamEventNotifier final : public StreamEventNotifier {
 public:
  // `node`: this host's name, sent as the node parameter.
  OutboxStreamEventNotifier(metadata::StreamsNotifyConfigRepository& configs, Outbox& outbox,
                            std::string node)
      : configs_(configs), outbox_(outbox), node_(std::move(node)) {}

  Result<std::string> Published(const StreamEventInfo& info) override;
  Result<std::string> PublishDone(const StreamEventInfo& info) override;

 private:
  Result<std::optional<metadata::StreamsNotifyConfig>> ConfigFor(const StreamEventInfo& info);
  Result<std::string> Enqueue(StreamEventAction action, const StreamEventInfo& info,
                              const metadata::StreamsNotifyConfig& config);

  metadata::StreamsNotifyConfigRepository& configs_;
  Outbox& outbox_;
  std::string node_;
  std::mutex mutex_;
  std::set<uint64_t> announced_;  // publishes whose publish callback was enqueued
};

}  // namespace liverec::callbacks
