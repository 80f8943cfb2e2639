// One node at a time: periodic jobs that every node schedules but that should not run on two
// nodes at once (docs/cluster.md "One-at-a-time jobs"): the retention purge, the callback history
// purge, the signature nonce upkeep. RunOnOneNode runs a job's body only while it holds the job's
// advisory lock (SqlDatabase::TryWithAdvisoryLock), tried without waiting: a node whose tick finds
// another node running the job skips that tick and tries again at its next one. So a job runs on
// one node at a time (not once per period: each node's timer fires), and its body must be
// idempotent; if a node dies mid-job, its connection closes, the lock is released, and the next
// tick of any node runs it again. On SQLite (one node) the lock is this process's alone.
// Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "metadata/sql_database.h"

namespace liverec::cluster {

// A one-at-a-time job: a name for the log and the key of its PostgreSQL advisory lock, which
// every node (and every version) must use for the same job. The keys are "liverec" in their
// first bytes and a letter of the job in the last (the migrations' lock ends in 1).
struct OneNodeJob {
  std::string_view name;
  int64_t lock_key;
};

// Purges slice-index rows and index-file records past their retention (hourly).
inline constexpr OneNodeJob kRetentionJob{"retention", 0x6c69766572656372};  // ...'r'
// Purges delivered and failed callback events past callbacks.history_retention_days (hourly).
inline constexpr OneNodeJob kCallbackHistoryPurgeJob{"callback history purge",
                                                     0x6c69766572656368};  // ...'h'
// Deletes expired signature nonces and enforces their bound (every 15 s).
inline constexpr OneNodeJob kNoncePruneJob{"signature nonce prune", 0x6c6976657265636e};  // ...'n'

// Runs `body` unless another holder runs `job` now: true when it ran, false when it was skipped;
// an error when the lock could not be asked for (the body did not run) or the body failed.
Result<bool> RunOnOneNode(metadata::SqlDatabase& db, const OneNodeJob& job,
                          const std::function<Status()>& body);

}  // namespace liverec::cluster
