#include "metadata/callback_outbox_repository.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "base/ids.h"
#include "metadata/migrations.h"
#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

class CallbackOutboxRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<CallbackOutboxRepository>(*db_);
  }

  CallbackEventRow Add(const std::string& account, const std::string& stream = "s1") {
    clock_.AdvanceMs(10);
    CallbackEventRow e;
    e.account_id = account;
    e.id = NewId(clock_, random_);
    e.domain_name = "example.com";
    e.app_name = "live";
    e.stream_name = stream;
    e.kind = "file_created";
    e.url = "http://hooks.example.net/";
    e.body = R"({"domain":"example.com"})";
    e.next_attempt_ms = e.created_at_ms = clock_.NowMs();
    EXPECT_TRUE(repo_->Insert(e).ok());
    return e;
  }

  Status Attempt(const CallbackEventRow& e, CallbackState state, int64_t next_ms = 0) {
    CallbackAttempt a{e.account_id, e.id,       clock_.NowMs(), state, next_ms,
                      500,          "HTTP 500", "{}",           "oops"};
    if (state == CallbackState::kDelivered) a.status = 200, a.error = "";
    auto r = repo_->RecordAttempt(a);
    if (!r) return r.error();
    return *r ? Status::Ok() : Status(ErrorCode::kInternalError, "", "not changed");
  }

  std::unique_ptr<CallbackOutboxRepository> repo_;
};

TEST_P(CallbackOutboxRepositoryTest, InsertedEventIsFoundPendingWithEveryField) {
  CallbackEventRow e = Add(account_a_);
  auto found = repo_->Find(account_a_, e.id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  const CallbackEventRow& f = **found;
  EXPECT_EQ(f.kind, "file_created");
  EXPECT_EQ(f.body, e.body);
  EXPECT_EQ(f.method, "POST");
  EXPECT_EQ(f.state, CallbackState::kPending);
  EXPECT_EQ(f.attempts, 0);
  EXPECT_FALSE(f.last_attempt_ms.has_value());
  EXPECT_FALSE(f.delivered_at_ms.has_value());
  auto other = repo_->Find(account_b_, e.id);
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->has_value()) << "events are scoped to their account";
}

TEST_P(CallbackOutboxRepositoryTest, InsertIfAbsentKeepsTheFirstEventOfAnId) {
  CallbackEventRow e = Add(account_a_);
  ASSERT_TRUE(Attempt(e, CallbackState::kDelivered).ok());
  CallbackEventRow again = e;
  again.body = R"({"second":true})";
  again.state = CallbackState::kPending;
  auto inserted = repo_->InsertIfAbsent(again);
  ASSERT_TRUE(inserted.has_value()) << inserted.error().ToString();
  EXPECT_FALSE(*inserted);
  auto found = repo_->Find(account_a_, e.id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->body, e.body);
  EXPECT_EQ((*found)->state, CallbackState::kDelivered) << "a delivered event is not sent again";
  EXPECT_EQ(*repo_->CountPending(), 0);
  EXPECT_FALSE(repo_->Insert(again).ok()) << "a plain insert still refuses a duplicate id";
  // The same id in another account is another event.
  again.account_id = account_b_;
  EXPECT_TRUE(*repo_->InsertIfAbsent(again));
  EXPECT_EQ(*repo_->CountPending(), 1);
}

TEST_P(CallbackOutboxRepositoryTest, DueListsPendingEventsOfEveryAccountMostOverdueFirst) {
  CallbackEventRow a = Add(account_a_);
  CallbackEventRow b = Add(account_b_);
  CallbackEventRow later = Add(account_a_);
  ASSERT_TRUE(Attempt(later, CallbackState::kPending, clock_.NowMs() + 60'000).ok());
  auto due = repo_->ListDue(clock_.NowMs(), 10);
  ASSERT_TRUE(due.has_value());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, a.id);
  EXPECT_EQ((*due)[1].id, b.id);
  auto limited = repo_->ListDue(clock_.NowMs(), 1);
  ASSERT_TRUE(limited.has_value());
  EXPECT_EQ(limited->size(), 1u);
  auto all = repo_->ListDue(clock_.NowMs() + 60'000, 10);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 3u);
}

TEST_P(CallbackOutboxRepositoryTest, ClaimTakesAnEventOnceUntilTheLeaseEnds) {
  CallbackEventRow e = Add(account_a_);
  int64_t now = clock_.NowMs();
  EXPECT_EQ(repo_->Claim(account_a_, e.id, now, now + 30'000).value(), true);
  EXPECT_EQ(repo_->Claim(account_a_, e.id, now, now + 30'000).value(), false);
  EXPECT_TRUE(repo_->ListDue(now, 10)->empty());
  // A sender that died mid-attempt: the event is due again when the lease ends.
  EXPECT_EQ(repo_->ListDue(now + 30'000, 10)->size(), 1u);
  EXPECT_EQ(repo_->Claim(account_a_, e.id, now + 30'000, now + 60'000).value(), true);
}

TEST_P(CallbackOutboxRepositoryTest, ClaimDueTakesTheMostOverdueFirstEachLeasedAfterThoseBefore) {
  CallbackEventRow a = Add(account_a_);
  CallbackEventRow b = Add(account_b_);
  CallbackEventRow c = Add(account_a_);
  CallbackEventRow later = Add(account_a_);
  ASSERT_TRUE(Attempt(later, CallbackState::kPending, clock_.NowMs() + 60'000).ok());
  int64_t now = clock_.NowMs();
  EXPECT_EQ(repo_->ClaimsInBatches(), backend() == testing::Backend::kPostgres);
  auto first = repo_->ClaimDue(now, 2, now + 35'000, 5'000);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, a.id);
  EXPECT_EQ((*first)[0].next_attempt_ms, now + 35'000);
  EXPECT_EQ((*first)[1].id, b.id);
  EXPECT_EQ((*first)[1].account_id, account_b_);
  EXPECT_EQ((*first)[1].next_attempt_ms, now + 40'000);
  EXPECT_EQ((*first)[1].body, b.body) << "a claimed event comes whole, ready to send";
  auto second = repo_->ClaimDue(now, 10, now + 35'000, 5'000);
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->size(), 1u) << "claimed events and events not due yet are not taken";
  EXPECT_EQ((*second)[0].id, c.id);
  EXPECT_TRUE(repo_->ClaimDue(now, 10, now + 35'000, 5'000)->empty());
  EXPECT_EQ(repo_->CountPending().value(), 4) << "a claim leaves events pending";
}

TEST_P(CallbackOutboxRepositoryTest, AnExpiredClaimIsClaimableAgainAndAnAttemptEndsIt) {
  CallbackEventRow a = Add(account_a_);
  CallbackEventRow b = Add(account_a_);
  int64_t now = clock_.NowMs();
  ASSERT_EQ(repo_->ClaimDue(now, 10, now + 35'000, 5'000)->size(), 2u);
  // The claimer sends `a`, then dies before `b`: `b` is due again when its own lease ends.
  ASSERT_TRUE(Attempt(a, CallbackState::kDelivered).ok());
  clock_.AdvanceMs(39'999);
  EXPECT_TRUE(repo_->ClaimDue(clock_.NowMs(), 10, clock_.NowMs() + 35'000, 5'000)->empty());
  clock_.AdvanceMs(1);
  auto again = repo_->ClaimDue(clock_.NowMs(), 10, clock_.NowMs() + 35'000, 5'000);
  ASSERT_TRUE(again.has_value());
  ASSERT_EQ(again->size(), 1u) << "a delivered event is never claimed again";
  EXPECT_EQ((*again)[0].id, b.id);
  EXPECT_EQ((*again)[0].next_attempt_ms, clock_.NowMs() + 35'000);
}

TEST_P(CallbackOutboxRepositoryTest, UnclaimGivesBackOnlyAClaimThatDidNotChange) {
  CallbackEventRow a = Add(account_a_);
  int64_t now = clock_.NowMs();
  auto claimed = repo_->ClaimDue(now, 10, now + 35'000, 5'000);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_FALSE(repo_->Unclaim(account_a_, a.id, now + 1, now).value()) << "not this claim";
  EXPECT_TRUE(repo_->Unclaim(account_a_, a.id, now + 35'000, now).value());
  EXPECT_EQ(repo_->ListDue(now, 10)->size(), 1u) << "due again at once";
  EXPECT_FALSE(repo_->Unclaim(account_a_, a.id, now + 35'000, now).value());
}

TEST_P(CallbackOutboxRepositoryTest, DeliveredEventIsFinalAndCountsItsAttempts) {
  CallbackEventRow e = Add(account_a_);
  ASSERT_TRUE(Attempt(e, CallbackState::kPending, clock_.NowMs() + 1000).ok());
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(Attempt(e, CallbackState::kDelivered).ok());
  auto found = repo_->Find(account_a_, e.id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->state, CallbackState::kDelivered);
  EXPECT_EQ((*found)->attempts, 2);
  EXPECT_EQ((*found)->last_status, 200);
  EXPECT_EQ((*found)->delivered_at_ms, clock_.NowMs());
  // A late duplicate outcome changes nothing.
  EXPECT_FALSE(Attempt(e, CallbackState::kPending, clock_.NowMs()).ok());
  EXPECT_EQ(repo_->Find(account_a_, e.id).value()->attempts, 2);
  EXPECT_TRUE(repo_->ListDue(clock_.NowMs() + 3'600'000, 10)->empty());
}

TEST_P(CallbackOutboxRepositoryTest, HistoryFiltersByStreamResultAndTimeNewestFirst) {
  CallbackEventRow one = Add(account_a_, "s1");
  CallbackEventRow two = Add(account_a_, "s2");
  CallbackEventRow never = Add(account_a_, "s1");
  CallbackEventRow other = Add(account_b_, "s1");
  int64_t start = clock_.NowMs();
  ASSERT_TRUE(Attempt(one, CallbackState::kDelivered).ok());
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(Attempt(two, CallbackState::kFailed).ok());
  ASSERT_TRUE(Attempt(other, CallbackState::kDelivered).ok());

  CallbackHistoryQuery q{account_a_, "example.com", {}, {}, start, start + 10'000};
  auto all = repo_->ListHistory(q);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->total, 2) << "never-attempted events and other accounts are not listed";
  EXPECT_EQ(all->events[0].id, two.id);
  EXPECT_EQ(all->events[1].id, one.id);

  q.delivered = true;
  EXPECT_EQ(repo_->ListHistory(q)->events.at(0).id, one.id);
  q.delivered = false;
  EXPECT_EQ(repo_->ListHistory(q)->events.at(0).id, two.id);
  q.delivered.reset();
  q.stream_name = "s2";
  EXPECT_EQ(repo_->ListHistory(q)->total, 1);
  q.stream_name.reset();
  q.start_ms = start + 1000;
  EXPECT_EQ(repo_->ListHistory(q)->total, 1);
  q.start_ms = start;
  q.page_size = 1;
  q.page_num = 2;
  auto second = repo_->ListHistory(q);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->total, 2);
  ASSERT_EQ(second->events.size(), 1u);
  EXPECT_EQ(second->events[0].id, one.id);
  (void)never;
}

TEST_P(CallbackOutboxRepositoryTest, GetEventKeepsItsQueryAndSignedName) {
  clock_.AdvanceMs(10);
  CallbackEventRow e;
  e.account_id = account_a_;
  e.id = NewId(clock_, random_);
  e.domain_name = "push.example.com";
  e.app_name = "live";
  e.stream_name = "s1";
  e.kind = std::string(kPublishKind);
  e.url = "http://hooks.example.net/streams";
  e.method = "GET";
  e.query = "action=publish&ip=10.0.0.1&id=s1";
  e.sign_key = "abcdefgh12345678";
  e.sign_host = "push.example.com";
  e.next_attempt_ms = e.created_at_ms = clock_.NowMs();
  ASSERT_TRUE(repo_->Insert(e).ok());
  auto found = repo_->Find(account_a_, e.id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->method, "GET");
  EXPECT_EQ((*found)->query, e.query);
  EXPECT_EQ((*found)->sign_host, "push.example.com");
  EXPECT_EQ((*found)->body, "");
  // A POST event has neither.
  CallbackEventRow post = Add(account_a_);
  EXPECT_EQ(repo_->Find(account_a_, post.id).value()->query, "");
  EXPECT_EQ(repo_->Find(account_a_, post.id).value()->sign_host, "");
}

TEST_P(CallbackOutboxRepositoryTest, HistoryKeepsStreamEventsApartFromRecordingCallbacks) {
  CallbackEventRow recording = Add(account_a_);
  CallbackEventRow publish = Add(account_a_);
  CallbackEventRow done = Add(account_a_);
  for (auto* e : {&publish, &done}) {
    e->kind = std::string(e == &publish ? kPublishKind : kPublishDoneKind);
    ASSERT_TRUE(db_->Execute("UPDATE callback_outbox SET kind = ? WHERE id = ?", {e->kind, e->id})
                    .has_value());
  }
  int64_t start = clock_.NowMs();
  for (const auto& e : {recording, publish, done}) {
    ASSERT_TRUE(Attempt(e, CallbackState::kDelivered).ok());
  }
  CallbackHistoryQuery q{account_a_, "example.com", {}, {}, start, start + 10'000};
  auto recordings = repo_->ListHistory(q);
  ASSERT_TRUE(recordings.has_value());
  ASSERT_EQ(recordings->total, 1) << "DescribeLiveRecordNotifyRecords lists recording callbacks";
  EXPECT_EQ(recordings->events.at(0).id, recording.id);
  q.stream_events = true;
  auto streams = repo_->ListHistory(q);
  ASSERT_TRUE(streams.has_value());
  EXPECT_EQ(streams->total, 2);
}

TEST_P(CallbackOutboxRepositoryTest, PurgeRemovesOnlyFinishedEventsOlderThanTheLimit) {
  CallbackEventRow done = Add(account_a_);
  CallbackEventRow waiting = Add(account_a_);
  ASSERT_TRUE(Attempt(done, CallbackState::kDelivered).ok());
  EXPECT_EQ(repo_->CountPending().value(), 1);
  EXPECT_EQ(repo_->PurgeFinishedBefore(clock_.NowMs() + 1).value(), 1);
  EXPECT_FALSE(repo_->Find(account_a_, done.id).value().has_value());
  EXPECT_TRUE(repo_->Find(account_a_, waiting.id).value().has_value());
}

// Migration 8 adds query_string and sign_host to callback_outbox: rows written before it (by the
// migration-5 column list) read back as they were, with neither.
class CallbackOutboxMigrationTest : public testing::DatabaseTest {
 protected:
  CallbackOutboxMigrationTest() { migrate_ = false; }
};

TEST_P(CallbackOutboxMigrationTest, EventsFromBeforeMigration8KeepTheirFieldsAndGetEmptyNewOnes) {
  ASSERT_TRUE(ApplyMigrationsUpTo(*db_, clock_, 7).ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO callback_outbox (account_id, id, domain_name, app_name, "
                           "stream_name, kind, url, method, body, sign_key, state, attempts, "
                           "next_attempt_ms, last_attempt_ms, last_status, last_error, "
                           "last_headers, last_response, created_at_ms, delivered_at_ms) VALUES "
                           "('a', 'e1', 'example.com', 'live', 's1', 'file_created', "
                           "'http://hooks.example.net/', 'POST', '{}', 'k', 'pending', 0, 5, NULL, "
                           "0, '', '{}', '', 5, NULL)",
                           {})
                  .has_value());
  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  auto found = CallbackOutboxRepository(*db_).Find("a", "e1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->kind, "file_created");
  EXPECT_EQ((*found)->sign_key, "k");
  EXPECT_EQ((*found)->query, "");
  EXPECT_EQ((*found)->sign_host, "");
}

}  // namespace
}  // namespace liverec::metadata

namespace liverec::metadata {
namespace {

TEST_P(CallbackOutboxRepositoryTest, CountFailedCountsEventsGivenUpOnInEveryAccount) {
  EXPECT_EQ(repo_->CountFailed().value(), 0);
  CallbackEventRow a = Add(account_a_);
  CallbackEventRow b = Add(account_b_);
  CallbackEventRow c = Add(account_a_);
  ASSERT_TRUE(Attempt(a, CallbackState::kFailed).ok());
  ASSERT_TRUE(Attempt(b, CallbackState::kFailed).ok());
  ASSERT_TRUE(Attempt(c, CallbackState::kPending, clock_.NowMs() + 1000).ok());
  EXPECT_EQ(repo_->CountFailed().value(), 2);
  EXPECT_EQ(repo_->CountPending().value(), 1);
}

LIVEREC_ON_BOTH_BACKENDS(CallbackOutboxMigrationTest);
LIVEREC_ON_BOTH_BACKENDS(CallbackOutboxRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
