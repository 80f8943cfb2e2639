#include "server/publish_history.h"

#include <spdlog/spdlog.h>

#include "base/ids.h"
#include "server/stream_event_callbacks.h"

namespace liverec::server {

std::unique_ptr<PublishHistory> PublishHistory::Start(metadata::PublishHistoryRepository& repo,
                                                      const Clock& clock, RandomSource& random,
                                                      std::string node,
                                                      const std::string& server_ip) {
  auto history = std::make_unique<PublishHistory>(repo, clock, random, std::move(node),
                                                  server_ip.empty() ? NodeName() : server_ip);
  history->CloseInterrupted();
  return history;
}

void PublishHistory::CloseInterrupted() {
  auto closed = repo_.Interrupted(node_, clock_.NowMs());
  if (!closed) {
    spdlog::warn("publish history: the sessions of an earlier run stay open: {}",
                 closed.error().ToString());
  } else if (*closed > 0) {
    spdlog::info("publish history: {} session(s) an earlier run left open end now", *closed);
  }
}

void PublishHistory::Started(const callbacks::StreamEventInfo& event) {
  metadata::PublishSession session{NewId(clock_, random_),
                                   event.account_id,
                                   event.domain,
                                   event.app,
                                   event.stream,
                                   event.ingest_domain.empty() ? event.domain : event.ingest_domain,
                                   event.client_ip,
                                   edge_addr_,
                                   node_,
                                   event.time_ms,
                                   0};
  Status begun = repo_.Begin(session);
  if (!begun.ok()) {
    spdlog::error("publish history: {}/{}/{}: session not recorded: {}", event.domain, event.app,
                  event.stream, begun.ToString());
    return;
  }
  open_[event.publish_id] = Open{event.account_id, session.id};
}

void PublishHistory::Ended(const callbacks::StreamEventInfo& event) {
  auto it = open_.find(event.publish_id);
  if (it == open_.end()) return;
  Status ended = repo_.End(it->second.account_id, it->second.id, event.time_ms);
  if (!ended.ok()) {
    spdlog::error("publish history: {}/{}/{}: the session's end not recorded: {}", event.domain,
                  event.app, event.stream, ended.ToString());
  }
  open_.erase(it);
}

}  // namespace liverec::server
