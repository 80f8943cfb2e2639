// CallbackOutboxRepository: the durable callback outbox (docs/callbacks.md). Every
// callback liverec must send is a row here before anything goes on the wire; the deliverer picks
// due rows, claims them, sends, and records each attempt's outcome. Rows stay after delivery (or
// giving up) as the history DescribeLiveRecordNotifyRecords lists, until purged.
// Thread-safety: any thread (the SqlDatabase serializes). Claim and ClaimDue make a row one
// sender's for a lease, so concurrent deliverers (of one node or of several sharing PostgreSQL)
// never send the same event at once, and an event whose sender died is due again when its lease
// ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metadata/sql_database.h"

namespace liverec::metadata {

enum class CallbackState { kPending, kDelivered, kFailed };

std::string_view CallbackStateName(CallbackState state);  // "pending" | "delivered" | "failed"

// The kinds of the stream publish/unpublish callbacks (docs/api/streams.md), kept apart from the
// recording callbacks in the history.
inline constexpr std::string_view kPublishKind = "publish";
inline constexpr std::string_view kPublishDoneKind = "publish_done";
inline bool IsStreamEventKind(std::string_view kind) {
  return kind == kPublishKind || kind == kPublishDoneKind;
}

struct CallbackEventRow {
  std::string account_id;
  // Sent as X-Liverec-Event-Id; stable across attempts. A UUIDv7, or for an event that may be
  // enqueued again after a crash (file_created) a UUIDv8 derived from what it is about.
  std::string id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;
  std::string kind;  // file_created, record_started, record_paused, record_resumed, ...
  std::string url;
  std::string method = "POST";
  std::string body;       // the request body (JSON text); "" for GET
  std::string sign_key;   // NotifyAuthKey (a relay task: its AuthKey) when signed, else ""
  std::string query;      // GET: the query string appended to `url` (stream events)
  std::string sign_host;  // the name signed in ALI-LIVE-SIGNATURE; "" = the host of `url`
  CallbackState state = CallbackState::kPending;
  int64_t attempts = 0;
  int64_t next_attempt_ms = 0;
  std::optional<int64_t> last_attempt_ms;
  int64_t last_status = 0;    // HTTP status of the last attempt; 0 when no response
  std::string last_error;     // why the last attempt failed; "" after success
  std::string last_headers;   // JSON object of the headers of the last attempt
  std::string last_response;  // the last response body, truncated
  int64_t created_at_ms = 0;
  std::optional<int64_t> delivered_at_ms;
};

// The outcome of one delivery attempt.
struct CallbackAttempt {
  std::string account_id;
  std::string id;
  int64_t attempted_at_ms = 0;
  CallbackState new_state = CallbackState::kPending;
  int64_t next_attempt_ms = 0;  // when new_state is pending
  int64_t status = 0;
  std::string error;
  std::string headers;
  std::string response;
};

struct CallbackHistoryQuery {
  std::string account_id;
  std::string domain_name;
  std::optional<std::string> app_name;
  std::optional<std::string> stream_name;
  int64_t start_ms = 0;  // last attempt in [start_ms, end_ms)
  int64_t end_ms = 0;
  std::optional<bool> delivered;  // true: delivered only; false: not delivered only
  // false: recording callbacks (every kind but the stream events); true: stream events only
  // (IsStreamEventKind).
  bool stream_events = false;
  int64_t page_num = 1;
  int64_t page_size = 20;
};

struct CallbackHistoryPage {
  std::vector<CallbackEventRow> events;  // by last attempt, newest first
  int64_t total = 0;
};

class CallbackOutboxRepository {
 public:
  explicit CallbackOutboxRepository(SqlDatabase& db) : db_(db) {}

  Status Insert(const CallbackEventRow& event);
  // Inserts the event unless one with its (account, id) is stored already, which is then left
  // as it is (whatever its state): true when inserted. For ids derived from what the event is
  // about, so enqueuing it again never makes a second event.
  Result<bool> InsertIfAbsent(const CallbackEventRow& event);
  Result<std::optional<CallbackEventRow>> Find(const std::string& account_id,
                                               const std::string& id);
  // Pending events whose next attempt is due at `now_ms`, of every account, the most overdue
  // first, at most `limit`.
  Result<std::vector<CallbackEventRow>> ListDue(int64_t now_ms, int64_t limit);
  // Takes a due pending event for one attempt: moves its next attempt to `lease_until_ms`, so
  // nobody else picks it meanwhile (and a sender that dies mid-attempt leaves it to be retried
  // then). False when it is no longer due or no longer pending.
  Result<bool> Claim(const std::string& account_id, const std::string& id, int64_t now_ms,
                     int64_t lease_until_ms);
  // Whether ClaimDue takes its batch in one statement that skips rows other nodes are claiming
  // (PostgreSQL), rather than in a transaction that holds the one writer (SQLite).
  bool ClaimsInBatches() const { return db_.Dialect() == "postgres"; }
  // Claims up to `limit` pending events due at `now_ms`, the most overdue first, and returns
  // them in that order, the order to send them in: the i-th (from 0) is leased until
  // `first_lease_until_ms + i * lease_step_ms` (its next_attempt_ms, returned as such), so each
  // lease covers the attempts before it. On PostgreSQL one statement (UPDATE ... FROM (SELECT
  // ... FOR UPDATE SKIP LOCKED)): rows another node is claiming at that moment are skipped, not
  // waited for, and no event is claimed twice. On SQLite one transaction. An event claimed by a
  // sender that dies is due again when its lease ends (at-least-once).
  Result<std::vector<CallbackEventRow>> ClaimDue(int64_t now_ms, int64_t limit,
                                                 int64_t first_lease_until_ms,
                                                 int64_t lease_step_ms);
  // Gives back a claimed event that will not be attempted under this claim: due again at
  // `due_ms`, unless its claim changed meanwhile (its next attempt is no longer
  // `lease_until_ms`: another sender took it after the lease, or an attempt was recorded).
  Result<bool> Unclaim(const std::string& account_id, const std::string& id, int64_t lease_until_ms,
                       int64_t due_ms);
  // Counts the attempt and stores its outcome. Only pending events change: a delivered or
  // failed event is final: false when nothing changed.
  Result<bool> RecordAttempt(const CallbackAttempt& attempt);
  // Events attempted at least once, for the history API.
  Result<CallbackHistoryPage> ListHistory(const CallbackHistoryQuery& query);
  // Deletes delivered and failed events created before `before_ms`; returns how many.
  Result<int64_t> PurgeFinishedBefore(int64_t before_ms);
  Result<int64_t> CountPending();
  // Events given up on (failed), of every account, until the history purge removes them.
  Result<int64_t> CountFailed();

 private:
  Result<int64_t> InsertRow(const CallbackEventRow& event, bool if_absent);
  Result<std::vector<CallbackEventRow>> ClaimDuePostgres(int64_t now_ms, int64_t limit,
                                                         int64_t first_lease_until_ms,
                                                         int64_t lease_step_ms);
  Result<std::vector<CallbackEventRow>> ClaimDuePortable(int64_t now_ms, int64_t limit,
                                                         int64_t first_lease_until_ms,
                                                         int64_t lease_step_ms);

  SqlDatabase& db_;
};

}  // namespace liverec::metadata
