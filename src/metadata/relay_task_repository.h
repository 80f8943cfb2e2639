// RelayTaskRepository: pull-to-push relay tasks (docs/api/relay.md), one row per task:
// what the user configured (TaskInfo) and where the scheduler left it (status, reasons,
// progress, retries). The relay layer (relay/relay_task.h) gives the status values meaning; this
// layer only stores them.
//
// Writes are compare-and-set on `revision`, so the API and the scheduler never overwrite each
// other's changes unnoticed. Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metadata/lease_repository.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

struct RelayTaskRow {
  std::string account_id;
  std::string task_id;
  // TaskInfo (DescribeLivePullToPush), as configured.
  std::string region;
  std::string task_name;
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;
  std::string source_type;      // "live" | "url"
  std::string source_protocol;  // live: rtmp | srt | http-flv (or flv) | hls; url: ""
  std::vector<std::string> source_urls;
  std::string dst_url;
  std::string callback_url;         // "" = no callbacks
  bool req_auth = false;            // ReqAuth: callbacks signed with auth_key
  std::string auth_key;             // AuthKey ("" = none)
  bool notify_item_switch = false;  // NotifyItemSwitch: url tasks call back at each new file
  int64_t repeat_number = 0;
  int64_t offset_s = 0;
  int64_t file_index = 0;
  int64_t retry_count = 3;
  int64_t retry_interval_s = 60;
  // State (relay/relay_task.h): TaskStatus and its reasons.
  int64_t status = 0;
  std::string invalid_reason;  // TaskInvalidReason, offline only
  int64_t exit_time_ms = 0;    // exited only
  std::string exit_reason;     // TaskExitReason, exited only
  // Progress of url sources and the retry schedule.
  int64_t current_file_index = 0;
  int64_t current_offset_s = 0;
  int64_t remaining_repeats = 0;  // full passes still to play after the current one (-1 forever)
  int64_t retries_used = 0;
  int64_t next_attempt_ms = 0;  // recovering: when the next attempt is due
  int64_t restarts = 0;         // bumped by RestartLivePullToPush
  int64_t revision = 0;         // bumped by every Update
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// Fuzzy filters of DescribeLivePullToPushList: each, when not empty, must occur in the field.
struct RelayTaskFilter {
  std::string task_id_part;
  std::string task_name_part;
  std::string dst_url_part;
};

// What the relay tasks' holders need to know of every task, without its configuration: whether
// it wants a holder, and whether it changed since a holder read it (its revision).
struct RelayTaskState {
  std::string account_id;
  std::string task_id;
  int64_t status = 0;
  int64_t end_time_ms = 0;
  int64_t revision = 0;
  int64_t created_at_ms = 0;
};

struct RelayTaskPage {
  std::vector<RelayTaskRow> tasks;
  int64_t total = 0;
};

class RelayTaskRepository {
 public:
  explicit RelayTaskRepository(SqlDatabase& db) : db_(db) {}

  // Inserts `task` in one transaction with checks over the live tasks (status not -1 and
  // end_time_ms > now_ms): CodeNotEnoughResource when the account has `max_live_tasks` already,
  // or when every account together has `max_cluster_tasks` (0: no such limit),
  // CodeConfigAlreadyExists when one of the account's pushes to the same dst_url.
  Status Insert(const RelayTaskRow& task, int64_t max_live_tasks, int64_t now_ms,
                int64_t max_cluster_tasks = 0);

  // The task, or nullopt.
  Result<std::optional<RelayTaskRow>> Find(const std::string& account_id,
                                           const std::string& task_id);

  // Writes every column but the identity and created_at_ms when the stored revision equals
  // task.revision, and stores revision + 1. InvalidTask.NotFound when the task is gone,
  // InvalidTask.Conflict when it was changed since it was read.
  Status Update(const RelayTaskRow& task);
  // The same, fenced (a write on behalf of a lease, docs/cluster.md): checked first in the same
  // transaction; LeaseLost and nothing written when the fence's holder lost the lease.
  Status Update(const RelayTaskRow& task, const Fence* fence);

  // InvalidTask.NotFound when there is none.
  Status Delete(const std::string& account_id, const std::string& task_id);

  // The account's tasks that end after `ended_after_ms`, matching `filter`, oldest first;
  // page_number from 1.
  Result<RelayTaskPage> List(const std::string& account_id, const RelayTaskFilter& filter,
                             int64_t ended_after_ms, int64_t page_number, int64_t page_size);

  // Every task of every account, for the scheduler's start.
  Result<std::vector<RelayTaskRow>> ListAll();
  // Every task of every account, only the columns of RelayTaskState, by account and id.
  Result<std::vector<RelayTaskState>> ListStates();

  // Deletes the account's tasks (all accounts' when account_id is empty) whose end time is at
  // or before `ended_by_ms`; returns how many.
  Result<int64_t> PurgeEnded(const std::string& account_id, int64_t ended_by_ms);

  // How many tasks of every account are in each status (only statuses that occur), for
  // /metrics. A scan of the table, which holds at most relay.max_tasks per account.
  Result<std::map<int64_t, int64_t>> CountByStatus();

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
