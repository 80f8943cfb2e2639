#include "cluster/command_listener.h"

#include <spdlog/spdlog.h>

namespace liverec::cluster {

CommandListener::CommandListener(CommandChannel& channel, const Clock& clock,
                                 const std::string& database_url, int64_t poll_ms)
    : channel_(channel),
      clock_(clock),
      listener_(database_url, {CommandChannel::ChannelOf(channel.options().node_id)}),
      poll_ms_(poll_ms) {}

void CommandListener::Start() {
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void CommandListener::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  listener_.Interrupt();
  thread_.join();
}

void CommandListener::Serve() {
  auto served = channel_.Serve();
  if (!served) spdlog::warn("cluster: commands: {}", served.error().ToString());
}

void CommandListener::Run() {
  std::string last_failure;
  int64_t next_purge_ms = clock_.NowMs() + kPurgeMs;
  int64_t served_ms = 0;
  while (!stopping_) {
    auto wake = listener_.Wait(poll_ms_);
    if (stopping_) break;
    if (!wake) {
      // No listening connection: the pool's connections may still work, so poll.
      if (wake.error().ToString() != last_failure) {
        spdlog::warn("cluster: commands: {} (polling meanwhile)", wake.error().ToString());
        last_failure = wake.error().ToString();
      }
      Serve();
      served_ms = clock_.NowMs();
      continue;
    }
    if (wake->new_connection) {
      if (!last_failure.empty()) spdlog::info("cluster: commands: listening again");
      last_failure.clear();
      channel_.WakeAll();
    }
    // Serve unless woken by replies only (and served within the poll period): on a command, at
    // the poll period, after a reconnection.
    bool only_replies = !wake->notifications.empty() && !wake->new_connection &&
                        clock_.NowMs() - served_ms < poll_ms_;
    for (const auto& n : wake->notifications) {
      channel_.Notified(n.payload);
      if (!n.payload.starts_with(CommandChannel::kReplyPrefix)) only_replies = false;
    }
    if (!only_replies) {
      Serve();
      served_ms = clock_.NowMs();
    }
    if (clock_.NowMs() >= next_purge_ms) {
      next_purge_ms = clock_.NowMs() + kPurgeMs;
      auto purged = channel_.Purge();
      if (!purged) spdlog::warn("cluster: commands: purge: {}", purged.error().ToString());
    }
  }
}

}  // namespace liverec::cluster
