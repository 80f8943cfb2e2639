#include "metadata/online_stream_repository.h"

#include <gtest/gtest.h>

#include "metadata/lease_repository.h"
#include "testing/database_test.h"

namespace liverec::metadata {
namespace {

constexpr int64_t kLeaseMs = 10'000;

class OnlineStreamRepositoryTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    leases_ = std::make_unique<LeaseRepository>(*db_, clock_);
    repo_ = std::make_unique<OnlineStreamRepository>(*db_);
  }

  // `node` joins as `holder` (its membership lease).
  void Join(const std::string& node, const std::string& holder) {
    auto lease = leases_->Acquire({"node", node}, holder, kLeaseMs);
    ASSERT_TRUE(lease.has_value()) << lease.error().ToString();
  }

  static OnlineStreamRow Row(const std::string& node, const std::string& holder,
                             const std::string& stream, const std::string& app = "live") {
    OnlineStreamRow row;
    row.account_id = "acc";
    row.domain_name = "example.com";
    row.app_name = app;
    row.stream_name = stream;
    row.node_id = node;
    row.holder = holder;
    row.ingest_domain = "push.example.com";
    row.client_ip = "192.0.2.1";
    row.server_ip = "10.0.0.1";
    row.publish_time_ms = kStartMs;
    return row;
  }

  std::vector<std::string> Listed(const std::string& except_node = "") {
    auto rows = repo_->ListLive("acc", "example.com", clock_.NowMs(), except_node);
    EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
    std::vector<std::string> names;
    for (const auto& r : rows.value_or(std::vector<OnlineStreamRow>{})) {
      names.push_back(r.node_id + ":" + r.app_name + "/" + r.stream_name);
    }
    return names;
  }

  std::unique_ptr<LeaseRepository> leases_;
  std::unique_ptr<OnlineStreamRepository> repo_;
};

TEST_P(OnlineStreamRepositoryTest, LiveNodesStreamsAreListedInOrderWithEveryField) {
  Join("a", "ha");
  Join("b", "hb");
  OnlineStreamRow s2 = Row("a", "ha", "s2");
  s2.video_codec = "h264";
  s2.audio_codec = "aac";
  s2.width = 1280;
  s2.height = 720;
  s2.frame_rate = 25;
  s2.video_kbps = 1996;
  s2.audio_kbps = 130;
  s2.updated_at_ms = kStartMs + 5;
  s2.record_status = "recording";
  ASSERT_TRUE(repo_->Upsert(s2).ok());
  ASSERT_TRUE(repo_->Upsert(Row("b", "hb", "s1")).ok());
  ASSERT_TRUE(repo_->Upsert(Row("b", "hb", "s0", "other")).ok());
  OnlineStreamRow elsewhere = Row("a", "ha", "s9");
  elsewhere.domain_name = "other.example.com";
  ASSERT_TRUE(repo_->Upsert(elsewhere).ok());
  EXPECT_EQ(Listed(), (std::vector<std::string>{"b:live/s1", "a:live/s2", "b:other/s0"}));
  EXPECT_EQ(Listed("b"), (std::vector<std::string>{"a:live/s2"}));
  auto rows = repo_->ListLive("acc", "example.com", clock_.NowMs(), "b");
  ASSERT_TRUE(rows.has_value());
  const OnlineStreamRow& got = rows->at(0);
  EXPECT_EQ(got.holder, "ha");
  EXPECT_EQ(got.ingest_domain, "push.example.com");
  EXPECT_EQ(got.client_ip, "192.0.2.1");
  EXPECT_EQ(got.server_ip, "10.0.0.1");
  EXPECT_EQ(got.publish_time_ms, kStartMs);
  EXPECT_EQ(got.video_codec, "h264");
  EXPECT_EQ(got.audio_codec, "aac");
  EXPECT_EQ(got.width, 1280);
  EXPECT_EQ(got.height, 720);
  EXPECT_EQ(got.frame_rate, 25);
  EXPECT_EQ(got.video_kbps, 1996);
  EXPECT_EQ(got.audio_kbps, 130);
  EXPECT_EQ(got.updated_at_ms, kStartMs + 5);
  EXPECT_EQ(got.record_status, "recording");
  EXPECT_TRUE(repo_->ListLive("other-account", "example.com", clock_.NowMs(), "")->empty());
}

TEST_P(OnlineStreamRepositoryTest, AnUpsertRefreshesTheMeasurementsOfTheSameRow) {
  Join("a", "ha");
  ASSERT_TRUE(repo_->Upsert(Row("a", "ha", "s1")).ok());
  OnlineStreamRow later = Row("a", "ha", "s1");
  later.video_kbps = 900;
  later.record_status = "stopped";
  ASSERT_TRUE(repo_->Upsert(later).ok());
  auto rows = repo_->FindLive("acc", "example.com", "live", "s1", clock_.NowMs(), "");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).video_kbps, 900);
  EXPECT_EQ(rows->at(0).record_status, "stopped");
}

TEST_P(OnlineStreamRepositoryTest, StreamsOfANodeWhoseLeaseLapsedOrOfAnEarlierRunAreNotListed) {
  Join("a", "ha");
  Join("b", "hb-run1");
  ASSERT_TRUE(repo_->Upsert(Row("a", "ha", "s1")).ok());
  ASSERT_TRUE(repo_->Upsert(Row("b", "hb-run1", "s2")).ok());
  // Node b restarted (a new holder): its earlier run's row is not its stream any more.
  ASSERT_TRUE(leases_->Acquire({"node", "b"}, "hb-run2", kLeaseMs, "hb-run1").has_value());
  EXPECT_EQ(Listed(), (std::vector<std::string>{"a:live/s1"}));
  EXPECT_TRUE(repo_->FindLive("acc", "example.com", "live", "s2", clock_.NowMs(), "")->empty());
  // Node a stops renewing: once its lease lapsed its streams go from the list.
  clock_.AdvanceMs(kLeaseMs);
  ASSERT_TRUE(leases_->Acquire({"node", "b"}, "hb-run2", kLeaseMs).has_value());
  EXPECT_EQ(Listed(), (std::vector<std::string>{}));
  // PurgeDead deletes both; node b's new rows stay.
  ASSERT_TRUE(repo_->Upsert(Row("b", "hb-run2", "s3")).ok());
  EXPECT_EQ(repo_->PurgeDead(clock_.NowMs()).value(), 2);
  EXPECT_EQ(Listed(), (std::vector<std::string>{"b:live/s3"}));
  EXPECT_EQ(AsInt(db_->Query("SELECT COUNT(*) FROM online_streams")->at(0).at(0)), 1);
}

TEST_P(OnlineStreamRepositoryTest, RemoveDeletesOnlyTheRowItsHolderWrote) {
  Join("a", "ha2");
  ASSERT_TRUE(repo_->Upsert(Row("a", "ha2", "s1")).ok());
  EXPECT_FALSE(repo_->Remove(Row("a", "ha1", "s1")).value()) << "an earlier run's leave";
  EXPECT_EQ(Listed(), (std::vector<std::string>{"a:live/s1"}));
  EXPECT_TRUE(repo_->Remove(Row("a", "ha2", "s1")).value());
  EXPECT_EQ(Listed(), (std::vector<std::string>{}));
}

TEST_P(OnlineStreamRepositoryTest, ANodeStartingClearsTheRowsItsEarlierRunsLeft) {
  Join("a", "ha2");
  ASSERT_TRUE(repo_->Upsert(Row("a", "ha1", "old")).ok());
  ASSERT_TRUE(repo_->Upsert(Row("a", "ha2", "new")).ok());
  ASSERT_TRUE(repo_->Upsert(Row("b", "hb", "other")).ok());
  EXPECT_EQ(repo_->RemoveOtherHolders("a", "ha2").value(), 1);
  EXPECT_EQ(AsInt(db_->Query("SELECT COUNT(*) FROM online_streams")->at(0).at(0)), 2);
}

LIVEREC_ON_BOTH_BACKENDS(OnlineStreamRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
