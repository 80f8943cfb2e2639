// CommandChannel: commands for a stream live on another node, through the database
// (docs/cluster.md "Live streams and commands across nodes"). The node that took an API call
// for a stream another node publishes calls Send: it inserts a command row for that node
// (StreamCommandRepository), wakes it (NOTIFY on the node's channel), and waits for the result,
// woken by the answer's NOTIFY (Replied) and reading the row every reply_poll_ms in any case.
// The target node runs Serve on its listener thread (CommandListener) when woken and every poll
// period: it claims its pending commands, runs each through the handler registered for its kind
// (the same code a local call runs), stores the result and wakes the origin.
//
// Time limit: Send answers within timeout_ms. It waits for the result until timeout - grace
// (grace = timeout / 5), then withdraws the command (pending -> cancelled): a withdrawn command
// is never run, and Send answers Cluster.CommandTimeout. If the target had claimed it already,
// Send waits the grace for its result, and answers Cluster.CommandTimeout ("outcome unknown")
// if it does not come. Deadlines are by the Clock (tested on a FakeClock); nodes' clocks must
// agree (NTP), as for leases.
// Results travel as the Status's catalogue name, argument and detail, so the caller gets the
// error the owner's local call gave (TaskAlreadyStarted, InvalidStream.NotFound, ...).
// Thread-safety: Send and Replied from any thread; Handle before the listener starts; Serve
// and Purge from one thread at a time (the listener's).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "metadata/sql_database.h"
#include "metadata/stream_command_repository.h"

namespace liverec::cluster {

// The stream a command is for.
struct CommandTarget {
  std::string account_id;
  std::string domain;
  std::string app;
  std::string stream;
};

// Runs a command on the owning node; what it returns (text) is Send's result there.
using CommandHandler =
    std::function<Result<std::string>(const CommandTarget& target, const std::string& payload)>;

struct CommandOptions {
  std::string node_id;                 // this node
  int64_t timeout_ms = 1000;           // Send answers within this
  int64_t reply_poll_ms = 100;         // Send reads the row at least this often
  int64_t retention_ms = 10 * 60'000;  // rows are purged this long after their creation
};

class CommandChannel {
 public:
  CommandChannel(metadata::SqlDatabase& db, const Clock& clock, RandomSource& random,
                 CommandOptions options);

  // The channel a node listens on ("liverec.<node id>", cut to PostgreSQL's 63 bytes: two
  // ids that share their first 55 bytes only wake each other for nothing).
  static std::string ChannelOf(const std::string& node_id);
  // The NOTIFY payloads: a command for the target, a result for the origin.
  static constexpr std::string_view kCommandPrefix = "cmd ";
  static constexpr std::string_view kReplyPrefix = "done ";

  void Handle(const std::string& kind, CommandHandler handler);

  // Sends `kind(payload)` for `target` to `node` and waits for its result (see above).
  Result<std::string> Send(const std::string& node, const CommandTarget& target,
                           const std::string& kind, const std::string& payload);

  // The owner's side: claims and runs this node's pending commands. How many ran.
  Result<int> Serve();
  // A NOTIFY payload that arrived on this node's channel: wakes the Send waiting for it.
  void Notified(const std::string& payload);
  // Wakes every waiting Send (after the listener reconnected: replies may have been missed).
  void WakeAll();
  // Deletes the rows older than retention_ms.
  Result<int64_t> Purge();

  const CommandOptions& options() const { return options_; }
  // How Send waits between reads of the row: (command id, at most ms). The default waits on
  // Notified/WakeAll; tests advance a FakeClock (and may serve the command meanwhile).
  using WaitFn = std::function<void(const std::string& id, int64_t ms)>;
  void SetWaitForTest(WaitFn wait) { wait_ = std::move(wait); }

 private:
  Result<std::string> ResultOf(const metadata::StreamCommandRow& row) const;
  // Reads the row until it is done or `until_ms` (Clock) passes; nullopt when not done.
  Result<std::optional<metadata::StreamCommandRow>> AwaitDone(const std::string& id,
                                                              int64_t until_ms);
  void WaitForReply(const std::string& id, int64_t ms);
  metadata::StreamCommandRow Run(metadata::StreamCommandRow row);

  metadata::StreamCommandRepository repo_;
  const Clock& clock_;
  RandomSource& random_;
  const CommandOptions options_;
  std::map<std::string, CommandHandler> handlers_;
  WaitFn wait_;
  std::mutex mutex_;
  std::condition_variable replied_;
  std::set<std::string> waiting_;  // ids of running Sends
  std::set<std::string> arrived_;  // of those, replies notified and not yet seen
};

}  // namespace liverec::cluster
