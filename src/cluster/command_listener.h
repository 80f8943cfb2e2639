// CommandListener: the thread that serves this node's CommandChannel (docs/cluster.md "Live
// streams and commands across nodes"). It LISTENs on the node's channel over a PostgreSQL
// connection of its own (metadata::PostgresListener) and, when woken by a command or every
// poll_ms in any case (so a lost notification only delays), claims and runs this node's pending
// commands (CommandChannel::Serve); a reply notification wakes the Send waiting for it. After
// (re)connecting it serves and wakes every waiting Send, since notifications sent meanwhile are
// lost. Every purge_ms it purges old command rows.
// Thread-safety: Start and Stop from one thread (the server's).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "base/clock.h"
#include "cluster/command_channel.h"
#include "metadata/postgres/postgres_listener.h"

namespace liverec::cluster {

class CommandListener {
 public:
  static constexpr int64_t kPurgeMs = 60'000;

  CommandListener(CommandChannel& channel, const Clock& clock, const std::string& database_url,
                  int64_t poll_ms);
  ~CommandListener() { Stop(); }
  CommandListener(const CommandListener&) = delete;
  CommandListener& operator=(const CommandListener&) = delete;

  void Start();
  // Idempotent; returns once the thread has ended.
  void Stop();

 private:
  void Run();
  void Serve();

  CommandChannel& channel_;
  const Clock& clock_;
  metadata::PostgresListener listener_;
  const int64_t poll_ms_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace liverec::cluster
