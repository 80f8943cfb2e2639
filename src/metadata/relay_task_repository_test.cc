#include "metadata/relay_task_repository.h"

#include <gtest/gtest.h>

#include "metadata/lease_repository.h"
#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

constexpr int64_t kHour = 3600'000;

class RelayTaskRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<RelayTaskRepository>(*db_);
  }

  RelayTaskRow Make(const std::string& account, const std::string& id,
                    const std::string& dst = "rtmp://push.example.com/app/out") {
    RelayTaskRow t;
    t.account_id = account;
    t.task_id = id;
    t.region = "cn-shanghai";
    t.task_name = "news";
    t.start_time_ms = clock_.NowMs() + kHour;
    t.end_time_ms = clock_.NowMs() + 2 * kHour;
    t.source_type = "url";
    t.source_urls = {"http://files.example.com/a.mp4", "http://files.example.com/b.flv"};
    t.dst_url = dst;
    t.created_at_ms = t.updated_at_ms = clock_.NowMs();
    return t;
  }

  Status Insert(const RelayTaskRow& t, int64_t max = 100) {
    return repo_->Insert(t, max, clock_.NowMs());
  }

  std::unique_ptr<RelayTaskRepository> repo_;
};

TEST_P(RelayTaskRepositoryTest, InsertedTaskIsFoundWithEveryField) {
  RelayTaskRow t = Make(account_a_, "t1");
  t.source_protocol = "";
  t.callback_url = "https://hooks.example.net/relay";
  t.req_auth = true;
  t.auth_key = "K3yOfSixteenPlus";
  t.notify_item_switch = true;
  t.repeat_number = -1;
  t.offset_s = 12;
  t.file_index = 1;
  t.retry_count = 7;
  t.retry_interval_s = 120;
  t.status = 3;
  t.invalid_reason = "PullStreamFailed";
  t.exit_time_ms = 5;
  t.exit_reason = "OverEndTime";
  t.current_file_index = 1;
  t.current_offset_s = 40;
  t.remaining_repeats = 2;
  t.retries_used = 4;
  t.next_attempt_ms = 99;
  t.restarts = 6;
  t.revision = 8;
  ASSERT_TRUE(Insert(t).ok());
  auto found = repo_->Find(account_a_, "t1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  const RelayTaskRow& f = **found;
  EXPECT_EQ(f.region, "cn-shanghai");
  EXPECT_EQ(f.task_name, "news");
  EXPECT_EQ(f.start_time_ms, t.start_time_ms);
  EXPECT_EQ(f.end_time_ms, t.end_time_ms);
  EXPECT_EQ(f.source_type, "url");
  EXPECT_EQ(f.source_urls, t.source_urls);
  EXPECT_EQ(f.dst_url, t.dst_url);
  EXPECT_EQ(f.callback_url, t.callback_url);
  EXPECT_TRUE(f.req_auth);
  EXPECT_EQ(f.auth_key, "K3yOfSixteenPlus");
  EXPECT_TRUE(f.notify_item_switch);
  EXPECT_EQ(f.repeat_number, -1);
  EXPECT_EQ(f.offset_s, 12);
  EXPECT_EQ(f.file_index, 1);
  EXPECT_EQ(f.retry_count, 7);
  EXPECT_EQ(f.retry_interval_s, 120);
  EXPECT_EQ(f.status, 3);
  EXPECT_EQ(f.invalid_reason, "PullStreamFailed");
  EXPECT_EQ(f.exit_time_ms, 5);
  EXPECT_EQ(f.exit_reason, "OverEndTime");
  EXPECT_EQ(f.current_file_index, 1);
  EXPECT_EQ(f.current_offset_s, 40);
  EXPECT_EQ(f.remaining_repeats, 2);
  EXPECT_EQ(f.retries_used, 4);
  EXPECT_EQ(f.next_attempt_ms, 99);
  EXPECT_EQ(f.restarts, 6);
  EXPECT_EQ(f.revision, 8);
  EXPECT_EQ(f.created_at_ms, t.created_at_ms);
}

TEST_P(RelayTaskRepositoryTest, CallbackSigningAndItemSwitchDefaultOffAndUpdateBothWays) {
  ASSERT_TRUE(Insert(Make(account_a_, "t1")).ok());
  RelayTaskRow stored = *repo_->Find(account_a_, "t1").value();
  EXPECT_FALSE(stored.req_auth);
  EXPECT_EQ(stored.auth_key, "");
  EXPECT_FALSE(stored.notify_item_switch);
  stored.req_auth = true;
  stored.auth_key = "abcdefghijklmnop0123456789ABCDEFabcdefghijklmnop0123456789ABCDEF";
  stored.notify_item_switch = true;
  ASSERT_TRUE(repo_->Update(stored).ok());
  RelayTaskRow on = *repo_->Find(account_a_, "t1").value();
  EXPECT_TRUE(on.req_auth);
  EXPECT_EQ(on.auth_key, stored.auth_key);
  EXPECT_TRUE(on.notify_item_switch);
  on.req_auth = false;
  on.notify_item_switch = false;
  ASSERT_TRUE(repo_->Update(on).ok());
  RelayTaskRow off = *repo_->Find(account_a_, "t1").value();
  EXPECT_FALSE(off.req_auth);
  EXPECT_EQ(off.auth_key, stored.auth_key) << "the key stays stored while unused";
  EXPECT_FALSE(off.notify_item_switch);
  // ListAll and List read the same columns.
  auto all = repo_->ListAll();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().auth_key, stored.auth_key);
  auto page = repo_->List(account_a_, {}, 0, 1, 10);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->tasks.size(), 1u);
  EXPECT_EQ(page->tasks.front().auth_key, stored.auth_key);
}

TEST_P(RelayTaskRepositoryTest, TasksAreInvisibleToOtherAccounts) {
  ASSERT_TRUE(Insert(Make(account_a_, "t1")).ok());
  EXPECT_FALSE(repo_->Find(account_b_, "t1")->has_value());
  EXPECT_EQ(repo_->Delete(account_b_, "t1").PublicCode(), "InvalidTask.NotFound");
  RelayTaskRow t = Make(account_b_, "t1");
  EXPECT_EQ(repo_->Update(t).PublicCode(), "InvalidTask.NotFound");
  EXPECT_EQ(repo_->List(account_b_, {}, 0, 1, 10)->total, 0);
  EXPECT_EQ(repo_->List(account_a_, {}, 0, 1, 10)->total, 1);
  EXPECT_TRUE(repo_->Find(account_a_, "t1")->has_value());
}

TEST_P(RelayTaskRepositoryTest, DstUrlIsUniqueAmongTheAccountsLiveTasks) {
  ASSERT_TRUE(Insert(Make(account_a_, "t1")).ok());
  EXPECT_EQ(Insert(Make(account_a_, "t2")).PublicCode(), "CodeConfigAlreadyExists");
  // Another account may push to the same URL (its tasks are not visible to this one).
  EXPECT_TRUE(Insert(Make(account_b_, "t2")).ok());
  // An exited task, or one whose end time passed, no longer holds its DstUrl.
  RelayTaskRow exited = *repo_->Find(account_a_, "t1").value();
  exited.status = -1;
  ASSERT_TRUE(repo_->Update(exited).ok());
  EXPECT_TRUE(Insert(Make(account_a_, "t3")).ok());
  RelayTaskRow ending = Make(account_a_, "t4", "rtmp://push.example.com/app/other");
  ending.end_time_ms = clock_.NowMs() + 1000;
  ASSERT_TRUE(Insert(ending).ok());
  clock_.AdvanceMs(1000);
  EXPECT_TRUE(Insert(Make(account_a_, "t5", "rtmp://push.example.com/app/other")).ok());
}

TEST_P(RelayTaskRepositoryTest, TaskLimitCountsOnlyTheAccountsLiveTasks) {
  ASSERT_TRUE(Insert(Make(account_a_, "t1", "rtmp://h/a/1"), 2).ok());
  ASSERT_TRUE(Insert(Make(account_a_, "t2", "rtmp://h/a/2"), 2).ok());
  Status refused = Insert(Make(account_a_, "t3", "rtmp://h/a/3"), 2);
  EXPECT_EQ(refused.PublicCode(), "CodeNotEnoughResource");
  EXPECT_FALSE(repo_->Find(account_a_, "t3")->has_value());
  EXPECT_TRUE(Insert(Make(account_b_, "t3", "rtmp://h/a/3"), 2).ok());
  ASSERT_TRUE(repo_->Delete(account_a_, "t2").ok());
  EXPECT_TRUE(Insert(Make(account_a_, "t3", "rtmp://h/a/3"), 2).ok());
}

TEST_P(RelayTaskRepositoryTest, TheClusterLimitCountsEveryAccountsLiveTasks) {
  auto insert = [&](const RelayTaskRow& t) { return repo_->Insert(t, 100, clock_.NowMs(), 2); };
  ASSERT_TRUE(insert(Make(account_a_, "t1", "rtmp://h/a/1")).ok());
  RelayTaskRow exited = Make(account_a_, "t0", "rtmp://h/a/0");
  exited.status = -1;
  ASSERT_TRUE(insert(exited).ok());  // an exited task does not count
  ASSERT_TRUE(insert(Make(account_b_, "t2", "rtmp://h/a/2")).ok());
  Status refused = insert(Make(account_b_, "t3", "rtmp://h/a/3"));
  EXPECT_EQ(refused.PublicCode(), "CodeNotEnoughResource");
  EXPECT_NE(refused.detail().find("relay.max_tasks_per_cluster"), std::string::npos);
  EXPECT_FALSE(repo_->Find(account_b_, "t3")->has_value());
  EXPECT_TRUE(repo_->Insert(Make(account_b_, "t3", "rtmp://h/a/3"), 100, clock_.NowMs()).ok());
}

TEST_P(RelayTaskRepositoryTest, AFencedUpdateLandsOnlyForTheLeasesHolderAtItsEpoch) {
  ASSERT_TRUE(Insert(Make(account_a_, "t1")).ok());
  LeaseRepository leases(*db_, clock_);
  LeaseKey key{"relay", account_a_ + "/t1"};
  ASSERT_TRUE(leases.Acquire(key, "n1", 10'000).has_value());
  Fence n1{key, "n1", 1};
  Fence n2{key, "n2", 2};
  RelayTaskRow row = *repo_->Find(account_a_, "t1").value();
  row.current_offset_s = 7;
  ASSERT_TRUE(repo_->Update(row, &n1).ok());
  clock_.AdvanceMs(10'001);
  ASSERT_TRUE(leases.Acquire(key, "n2", 10'000).has_value());  // n1 was paused: n2 took over
  row.revision += 1;
  row.current_offset_s = 3;
  EXPECT_EQ(repo_->Update(row, &n1).code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(repo_->Find(account_a_, "t1").value()->current_offset_s, 7);
  EXPECT_TRUE(repo_->Update(row, &n2).ok());
}

TEST_P(RelayTaskRepositoryTest, StatesListEveryAccountsTasksWithTheirRevision) {
  RelayTaskRow a = Make(account_a_, "t1", "rtmp://h/a/1");
  a.status = 2;
  ASSERT_TRUE(Insert(a).ok());
  ASSERT_TRUE(Insert(Make(account_b_, "t2", "rtmp://h/a/2")).ok());
  RelayTaskRow stored = *repo_->Find(account_a_, "t1").value();
  ASSERT_TRUE(repo_->Update(stored).ok());
  auto states = repo_->ListStates();
  ASSERT_TRUE(states.has_value()) << states.error().ToString();
  ASSERT_EQ(states->size(), 2u);
  const RelayTaskState& first = account_a_ < account_b_ ? (*states)[0] : (*states)[1];
  EXPECT_EQ(first.task_id, "t1");
  EXPECT_EQ(first.status, 2);
  EXPECT_EQ(first.revision, stored.revision + 1);
  EXPECT_EQ(first.end_time_ms, a.end_time_ms);
  EXPECT_EQ(first.created_at_ms, a.created_at_ms);
}

TEST_P(RelayTaskRepositoryTest, UpdateIsCompareAndSetOnTheRevision) {
  ASSERT_TRUE(Insert(Make(account_a_, "t1")).ok());
  RelayTaskRow first = *repo_->Find(account_a_, "t1").value();
  RelayTaskRow second = first;
  first.status = 1;
  first.callback_url = "https://hooks.example.net/a";
  first.updated_at_ms = clock_.NowMs() + 5;
  ASSERT_TRUE(repo_->Update(first).ok());
  second.status = 3;
  EXPECT_EQ(repo_->Update(second).PublicCode(), "InvalidTask.Conflict");
  RelayTaskRow stored = *repo_->Find(account_a_, "t1").value();
  EXPECT_EQ(stored.status, 1);
  EXPECT_EQ(stored.callback_url, "https://hooks.example.net/a");
  EXPECT_EQ(stored.revision, first.revision + 1);
  EXPECT_EQ(stored.updated_at_ms, clock_.NowMs() + 5);
  EXPECT_EQ(stored.created_at_ms, first.created_at_ms);
}

TEST_P(RelayTaskRepositoryTest, ListFiltersByPartsOfIdNameAndDstUrlAndPages) {
  for (int i = 0; i < 5; ++i) {
    RelayTaskRow t =
        Make(account_a_, "id-" + std::to_string(i), "rtmp://h/app/s" + std::to_string(i));
    t.task_name = i % 2 ? "evening_news" : "sports 100%";
    ASSERT_TRUE(Insert(t).ok());
  }
  auto all = repo_->List(account_a_, {}, 0, 2, 2);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->total, 5);
  ASSERT_EQ(all->tasks.size(), 2u);
  EXPECT_EQ(all->tasks[0].task_id, "id-2");
  EXPECT_EQ(all->tasks[1].task_id, "id-3");
  EXPECT_EQ(repo_->List(account_a_, {"d-4", "", ""}, 0, 1, 10)->total, 1);
  EXPECT_EQ(repo_->List(account_a_, {"", "news", ""}, 0, 1, 10)->total, 2);
  // LIKE wildcards in a filter are literal characters.
  EXPECT_EQ(repo_->List(account_a_, {"", "_", ""}, 0, 1, 10)->total, 2);
  EXPECT_EQ(repo_->List(account_a_, {"", "100%", ""}, 0, 1, 10)->total, 3);
  EXPECT_EQ(repo_->List(account_a_, {"", "", "%"}, 0, 1, 10)->total, 0);
  EXPECT_EQ(repo_->List(account_a_, {"", "", "app/s3"}, 0, 1, 10)->total, 1);
  EXPECT_EQ(repo_->List(account_a_, {"", "news", "s3"}, 0, 1, 10)->total, 1);
  // ASCII case is ignored, on both backends.
  EXPECT_EQ(repo_->List(account_a_, {"ID-4", "", ""}, 0, 1, 10)->total, 1);
  EXPECT_EQ(repo_->List(account_a_, {"", "Evening_NEWS", ""}, 0, 1, 10)->total, 2);
}

TEST_P(RelayTaskRepositoryTest, ListHidesTasksEndedBeforeTheCutoffAndPurgeRemovesThem) {
  RelayTaskRow old_task = Make(account_a_, "old", "rtmp://h/a/old");
  old_task.end_time_ms = clock_.NowMs() + 1000;
  ASSERT_TRUE(Insert(old_task).ok());
  ASSERT_TRUE(Insert(Make(account_a_, "new")).ok());
  ASSERT_TRUE(Insert(Make(account_b_, "b-old", "rtmp://h/a/old")).ok());
  EXPECT_EQ(repo_->List(account_a_, {}, clock_.NowMs() + 1000, 1, 10)->total, 1);
  EXPECT_EQ(repo_->List(account_a_, {}, clock_.NowMs() + 999, 1, 10)->total, 2);
  EXPECT_EQ(*repo_->PurgeEnded(account_a_, clock_.NowMs() + 1000), 1);
  EXPECT_FALSE(repo_->Find(account_a_, "old")->has_value());
  EXPECT_TRUE(repo_->Find(account_b_, "b-old")->has_value());
  EXPECT_EQ(repo_->ListAll()->size(), 2u);
  EXPECT_EQ(*repo_->PurgeEnded("", clock_.NowMs() + 3 * kHour), 2);
  EXPECT_TRUE(repo_->ListAll()->empty());
}

}  // namespace
}  // namespace liverec::metadata

namespace liverec::metadata {
namespace {

TEST_P(RelayTaskRepositoryTest, CountByStatusCountsEveryAccountsTasks) {
  EXPECT_TRUE(repo_->CountByStatus()->empty());
  RelayTaskRow a = Make(account_a_, "t1", "rtmp://h/a/1");
  RelayTaskRow b = Make(account_a_, "t2", "rtmp://h/a/2");
  b.status = 1;
  RelayTaskRow c = Make(account_b_, "t3", "rtmp://h/a/3");
  c.status = 1;
  RelayTaskRow d = Make(account_b_, "t4", "rtmp://h/a/4");
  d.status = -1;
  for (const auto& t : {a, b, c, d}) ASSERT_TRUE(Insert(t).ok());
  auto counts = repo_->CountByStatus();
  ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
  EXPECT_EQ(*counts, (std::map<int64_t, int64_t>{{-1, 1}, {0, 1}, {1, 2}}));
}

LIVEREC_ON_BOTH_BACKENDS(RelayTaskRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
