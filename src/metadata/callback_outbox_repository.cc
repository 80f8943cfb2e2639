#include "metadata/callback_outbox_repository.h"

#include <algorithm>
#include <tuple>

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "account_id, id, domain_name, app_name, stream_name, kind, url, method, body, sign_key, "
    "state, attempts, next_attempt_ms, last_attempt_ms, last_status, last_error, last_headers, "
    "last_response, created_at_ms, delivered_at_ms, query_string, sign_host";

CallbackState StateFromName(const std::string& name) {
  if (name == "delivered") return CallbackState::kDelivered;
  if (name == "failed") return CallbackState::kFailed;
  return CallbackState::kPending;
}

CallbackEventRow ToEvent(const SqlRow& r) {
  CallbackEventRow e;
  e.account_id = AsText(r[0]);
  e.id = AsText(r[1]);
  e.domain_name = AsText(r[2]);
  e.app_name = AsText(r[3]);
  e.stream_name = AsText(r[4]);
  e.kind = AsText(r[5]);
  e.url = AsText(r[6]);
  e.method = AsText(r[7]);
  e.body = AsText(r[8]);
  e.sign_key = AsText(r[9]);
  e.state = StateFromName(AsText(r[10]));
  e.attempts = AsInt(r[11]);
  e.next_attempt_ms = AsInt(r[12]);
  e.last_attempt_ms = AsOptionalInt(r[13]);
  e.last_status = AsInt(r[14]);
  e.last_error = AsText(r[15]);
  e.last_headers = AsText(r[16]);
  e.last_response = AsText(r[17]);
  e.created_at_ms = AsInt(r[18]);
  e.delivered_at_ms = AsOptionalInt(r[19]);
  e.query = AsText(r[20]);
  e.sign_host = AsText(r[21]);
  return e;
}

std::string Select(std::string_view where_and_rest) {
  return "SELECT " + std::string(kColumns) + " FROM callback_outbox WHERE " +
         std::string(where_and_rest);
}

Result<std::vector<CallbackEventRow>> ToEvents(Result<std::vector<SqlRow>> rows) {
  if (!rows) return Error(rows.error());
  std::vector<CallbackEventRow> events;
  events.reserve(rows->size());
  for (const auto& row : *rows) events.push_back(ToEvent(row));
  return events;
}

}  // namespace

std::string_view CallbackStateName(CallbackState state) {
  switch (state) {
    case CallbackState::kPending:
      return "pending";
    case CallbackState::kDelivered:
      return "delivered";
    case CallbackState::kFailed:
      return "failed";
  }
  return "pending";
}

Status CallbackOutboxRepository::Insert(const CallbackEventRow& event) {
  auto r = InsertRow(event, false);
  return r ? Status::Ok() : r.error();
}

Result<bool> CallbackOutboxRepository::InsertIfAbsent(const CallbackEventRow& event) {
  auto r = InsertRow(event, true);
  if (!r) return Error(r.error());
  return *r == 1;
}

Result<int64_t> CallbackOutboxRepository::InsertRow(const CallbackEventRow& e, bool if_absent) {
  return db_.Execute(
      "INSERT INTO callback_outbox (" + std::string(kColumns) +
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" +
          (if_absent ? " ON CONFLICT (account_id, id) DO NOTHING" : ""),
      {e.account_id,
       e.id,
       e.domain_name,
       e.app_name,
       e.stream_name,
       e.kind,
       e.url,
       e.method,
       e.body,
       e.sign_key,
       std::string(CallbackStateName(e.state)),
       e.attempts,
       e.next_attempt_ms,
       OptionalInt(e.last_attempt_ms),
       e.last_status,
       e.last_error,
       e.last_headers,
       e.last_response,
       e.created_at_ms,
       OptionalInt(e.delivered_at_ms),
       e.query,
       e.sign_host});
}

Result<std::optional<CallbackEventRow>> CallbackOutboxRepository::Find(
    const std::string& account_id, const std::string& id) {
  auto events = ToEvents(db_.Query(Select("account_id = ? AND id = ?"), {account_id, id}));
  if (!events) return Error(events.error());
  if (events->empty()) return std::optional<CallbackEventRow>();
  return std::optional<CallbackEventRow>(std::move(events->front()));
}

Result<std::vector<CallbackEventRow>> CallbackOutboxRepository::ListDue(int64_t now_ms,
                                                                        int64_t limit) {
  return ToEvents(db_.Query(
      Select("state = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?"),
      {now_ms, limit}));
}

Result<bool> CallbackOutboxRepository::Claim(const std::string& account_id, const std::string& id,
                                             int64_t now_ms, int64_t lease_until_ms) {
  auto r = db_.Execute(
      "UPDATE callback_outbox SET next_attempt_ms = ? WHERE account_id = ? AND id = ? AND "
      "state = 'pending' AND next_attempt_ms <= ?",
      {lease_until_ms, account_id, id, now_ms});
  if (!r) return Error(r.error());
  return *r == 1;
}

Result<std::vector<CallbackEventRow>> CallbackOutboxRepository::ClaimDue(
    int64_t now_ms, int64_t limit, int64_t first_lease_until_ms, int64_t lease_step_ms) {
  if (ClaimsInBatches()) {
    return ClaimDuePostgres(now_ms, limit, first_lease_until_ms, lease_step_ms);
  }
  return ClaimDuePortable(now_ms, limit, first_lease_until_ms, lease_step_ms);
}

// The inner SELECT locks the due rows it returns and skips those another transaction holds
// locked (another node's claim in flight); a row another claim committed meanwhile is checked
// again against the WHERE (READ COMMITTED) and dropped, its next attempt being in the future.
// row_number() numbers the locked rows in send order (FOR UPDATE may not sit beside a window
// function, hence the two levels); RETURNING has no order, so the rows are sorted by their lease.
Result<std::vector<CallbackEventRow>> CallbackOutboxRepository::ClaimDuePostgres(
    int64_t now_ms, int64_t limit, int64_t first_lease_until_ms, int64_t lease_step_ms) {
  auto events = ToEvents(
      db_.Query("UPDATE callback_outbox SET next_attempt_ms = ? + (c.claim_rank - 1) * ? "
                "FROM (SELECT claim_account, claim_id, "
                "row_number() OVER (ORDER BY claim_due, claim_id) AS claim_rank FROM ("
                "SELECT account_id AS claim_account, id AS claim_id, next_attempt_ms AS claim_due "
                "FROM callback_outbox WHERE state = 'pending' AND next_attempt_ms <= ? "
                "ORDER BY next_attempt_ms, id LIMIT ? FOR UPDATE SKIP LOCKED) AS due) AS c "
                "WHERE account_id = c.claim_account AND id = c.claim_id RETURNING " +
                    std::string(kColumns),
                {first_lease_until_ms, lease_step_ms, now_ms, limit}));
  if (!events) return events;
  std::sort(events->begin(), events->end(), [](const auto& a, const auto& b) {
    return std::tie(a.next_attempt_ms, a.id) < std::tie(b.next_attempt_ms, b.id);
  });
  return events;
}

// SQLite has one writer at a time: the transaction alone keeps two claims apart.
Result<std::vector<CallbackEventRow>> CallbackOutboxRepository::ClaimDuePortable(
    int64_t now_ms, int64_t limit, int64_t first_lease_until_ms, int64_t lease_step_ms) {
  std::vector<CallbackEventRow> claimed;
  Status status = db_.InTransaction([&](SqlSession& tx) -> Status {
    claimed.clear();
    auto due = ToEvents(tx.Query(
        Select("state = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?"),
        {now_ms, limit}));
    if (!due) return due.error();
    for (auto& event : *due) {
      event.next_attempt_ms =
          first_lease_until_ms + static_cast<int64_t>(claimed.size()) * lease_step_ms;
      auto r = tx.Execute(
          "UPDATE callback_outbox SET next_attempt_ms = ? WHERE account_id = ? AND id = ?",
          {event.next_attempt_ms, event.account_id, event.id});
      if (!r) return r.error();
      claimed.push_back(std::move(event));
    }
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  return claimed;
}

Result<bool> CallbackOutboxRepository::Unclaim(const std::string& account_id, const std::string& id,
                                               int64_t lease_until_ms, int64_t due_ms) {
  auto r = db_.Execute(
      "UPDATE callback_outbox SET next_attempt_ms = ? WHERE account_id = ? AND id = ? AND "
      "state = 'pending' AND next_attempt_ms = ?",
      {due_ms, account_id, id, lease_until_ms});
  if (!r) return Error(r.error());
  return *r == 1;
}

Result<bool> CallbackOutboxRepository::RecordAttempt(const CallbackAttempt& a) {
  bool delivered = a.new_state == CallbackState::kDelivered;
  auto r = db_.Execute(
      "UPDATE callback_outbox SET attempts = attempts + 1, state = ?, next_attempt_ms = ?, "
      "last_attempt_ms = ?, last_status = ?, last_error = ?, last_headers = ?, "
      "last_response = ?, delivered_at_ms = ? WHERE account_id = ? AND id = ? AND "
      "state = 'pending'",
      {std::string(CallbackStateName(a.new_state)), a.next_attempt_ms, a.attempted_at_ms, a.status,
       a.error, a.headers, a.response, delivered ? SqlValue(a.attempted_at_ms) : SqlValue(),
       a.account_id, a.id});
  if (!r) return Error(r.error());
  return *r == 1;
}

Result<CallbackHistoryPage> CallbackOutboxRepository::ListHistory(const CallbackHistoryQuery& q) {
  std::string where =
      "account_id = ? AND domain_name = ? AND last_attempt_ms >= ? AND last_attempt_ms < ?";
  std::vector<SqlValue> args{q.account_id, q.domain_name, q.start_ms, q.end_ms};
  if (q.app_name) {
    where += " AND app_name = ?";
    args.emplace_back(*q.app_name);
  }
  if (q.stream_name) {
    where += " AND stream_name = ?";
    args.emplace_back(*q.stream_name);
  }
  if (q.delivered) where += *q.delivered ? " AND state = 'delivered'" : " AND state <> 'delivered'";
  where += q.stream_events ? " AND kind IN (?, ?)" : " AND kind NOT IN (?, ?)";
  args.emplace_back(std::string(kPublishKind));
  args.emplace_back(std::string(kPublishDoneKind));
  auto count = db_.Query("SELECT COUNT(*) FROM callback_outbox WHERE " + where, args);
  if (!count) return Error(count.error());
  CallbackHistoryPage page;
  page.total = AsInt(count->front()[0]);
  args.emplace_back(q.page_size);
  args.emplace_back((q.page_num - 1) * q.page_size);
  auto events = ToEvents(
      db_.Query(Select(where + " ORDER BY last_attempt_ms DESC, id DESC LIMIT ? OFFSET ?"), args));
  if (!events) return Error(events.error());
  page.events = std::move(*events);
  return page;
}

Result<int64_t> CallbackOutboxRepository::PurgeFinishedBefore(int64_t before_ms) {
  return db_.Execute("DELETE FROM callback_outbox WHERE state <> 'pending' AND created_at_ms < ?",
                     {before_ms});
}

Result<int64_t> CallbackOutboxRepository::CountPending() {
  auto rows = db_.Query("SELECT COUNT(*) FROM callback_outbox WHERE state = 'pending'");
  if (!rows) return Error(rows.error());
  return AsInt(rows->front()[0]);
}

// Both counts are ranges of the callback_outbox_due index (state first).
Result<int64_t> CallbackOutboxRepository::CountFailed() {
  auto rows = db_.Query("SELECT COUNT(*) FROM callback_outbox WHERE state = 'failed'");
  if (!rows) return Error(rows.error());
  return AsInt(rows->front()[0]);
}

}  // namespace liverec::metadata
