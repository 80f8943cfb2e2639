#include "server/stream_event_callbacks.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

namespace liverec::server {
namespace {

void LogIfFailed(const Result<std::string>& queued, const callbacks::StreamEventInfo& info,
                 std::string_view action) {
  if (queued) return;
  spdlog::error("callbacks: {}/{}/{}: {} not queued: {}", info.domain, info.app, info.stream,
                action, queued.error().ToString());
}

}  // namespace

std::string NodeName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "liverec";
  return name;
}

std::string ListenIp(const std::string& listen) {
  auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host == "0.0.0.0" || host == "::" ? "" : host;
}

callbacks::StreamEventInfo ToStreamEventInfo(uint64_t publish_id, const ingest::PublishInfo& info,
                                             int64_t time_ms) {
  callbacks::StreamEventInfo event;
  event.publish_id = publish_id;
  event.account_id = info.account_id;
  event.ingest_domain = info.identity.ingest_domain;
  event.domain = info.identity.domain;
  event.app = info.identity.app;
  event.stream = info.identity.stream;
  auto colon = info.peer.rfind(':');
  event.client_ip = colon == std::string::npos ? info.peer : info.peer.substr(0, colon);
  event.usrargs = info.identity.query;
  event.time_ms = time_ms;
  return event;
}

void StreamEventCallbacks::Published(uint64_t publish_id, const ingest::PublishInfo& info,
                                     int64_t published_ms, int width, int height) {
  callbacks::StreamEventInfo event = ToStreamEventInfo(publish_id, info, published_ms);
  event.width = width;
  event.height = height;
  post_([this, event = std::move(event)] {
    LogIfFailed(notifier_.Published(event), event, "publish");
    if (history_) history_->Started(event);
  });
}

void StreamEventCallbacks::PublishDone(uint64_t publish_id, const ingest::PublishInfo& info,
                                       int64_t ended_ms) {
  post_([this, event = ToStreamEventInfo(publish_id, info, ended_ms)] {
    LogIfFailed(notifier_.PublishDone(event), event, "publish_done");
    if (history_) history_->Ended(event);
  });
}

}  // namespace liverec::server
