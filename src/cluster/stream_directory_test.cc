#include "cluster/stream_directory.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "metadata/lease_repository.h"
#include "testing/database_test.h"

namespace liverec::cluster {
namespace {

using metadata::OnlineStreamRow;

constexpr int64_t kLeaseMs = 10'000;
constexpr DirectoryOptions kOptions{5000, 30'000};

// Node a's directory writes; node b's reads what a wrote (the database is shared).
class StreamDirectoryTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    Renew();
    a_ = std::make_unique<StreamDirectory>(*db_, clock_, "a", "ha", kOptions);
    b_ = std::make_unique<StreamDirectory>(*db_, clock_, "b", "hb", kOptions);
  }

  // Both nodes hold (or renew) their membership leases.
  void Renew() {
    metadata::LeaseRepository leases(*db_, clock_);
    ASSERT_TRUE(leases.Acquire({"node", "a"}, "ha", kLeaseMs).has_value());
    ASSERT_TRUE(leases.Acquire({"node", "b"}, "hb", kLeaseMs).has_value());
  }

  static OnlineStreamRow Stream(const std::string& name, int64_t video_kbps = 0) {
    OnlineStreamRow row;
    row.account_id = "acc";
    row.domain_name = "example.com";
    row.app_name = "live";
    row.stream_name = name;
    row.client_ip = "192.0.2.1";
    row.publish_time_ms = 1000;
    row.video_kbps = video_kbps;
    return row;
  }

  // What node b sees of the others: "node:stream@kbps".
  std::vector<std::string> SeenFromB() {
    auto rows = b_->ListOthers("acc", "example.com");
    EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
    std::vector<std::string> seen;
    for (const auto& r : rows.value_or(std::vector<OnlineStreamRow>{})) {
      seen.push_back(r.node_id + ":" + r.stream_name + "@" + std::to_string(r.video_kbps));
    }
    return seen;
  }

  void Round(StreamDirectory& directory) {
    Status status = directory.WriteRound();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::unique_ptr<StreamDirectory> a_, b_;
};

TEST_P(StreamDirectoryTest, APublishIsWrittenAtTheNextRoundAndSeenByTheOtherNodesOnly) {
  a_->Published(Stream("s1", 100));
  EXPECT_EQ(SeenFromB(), std::vector<std::string>{}) << "nothing written by the I/O thread";
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s1@100"}));
  EXPECT_TRUE(a_->ListOthers("acc", "example.com")->empty()) << "a lists its own from ingest";
  EXPECT_EQ(b_->FindOwner("acc", "example.com", "live", "s1").value(), "a");
  EXPECT_FALSE(a_->FindOwner("acc", "example.com", "live", "s1").value().has_value());
  EXPECT_FALSE(b_->FindOwner("acc", "example.com", "live", "s2").value().has_value());
  auto rows = b_->ListOthers("acc", "example.com").value();
  EXPECT_EQ(rows.at(0).holder, "ha");
  EXPECT_EQ(rows.at(0).client_ip, "192.0.2.1");
  EXPECT_EQ(rows.at(0).updated_at_ms, kStartMs);
}

TEST_P(StreamDirectoryTest, MeasurementsAreWrittenAtTheRefreshPeriodNotAtEachReport) {
  a_->Published(Stream("s1", 0));
  Round(*a_);
  a_->Measured(Stream("s1", 500));
  a_->Measured(Stream("s1", 600));
  clock_.AdvanceMs(4999);
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s1@0"}));
  clock_.AdvanceMs(1);
  Renew();
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s1@600"}));
  EXPECT_EQ(b_->ListOthers("acc", "example.com")->at(0).updated_at_ms, clock_.NowMs());
  a_->Measured(Stream("unknown", 1));  // not live here: ignored
  clock_.AdvanceMs(5000);
  Renew();
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s1@600"}));
}

TEST_P(StreamDirectoryTest, ARecordingStateChangeIsWrittenAtOnceNotAtTheRefresh) {
  OnlineStreamRow published = Stream("s1", 0);
  published.record_status = "idle";
  a_->Published(published);
  Round(*a_);
  auto status = [&] { return b_->ListOthers("acc", "example.com").value().at(0).record_status; };
  EXPECT_EQ(status(), "idle");
  OnlineStreamRow measured = Stream("s1", 700);
  measured.record_status = "recording";
  clock_.AdvanceMs(10);
  a_->Measured(measured);
  Round(*a_);  // long before the refresh is due
  EXPECT_EQ(status(), "recording");
  EXPECT_EQ(b_->ListOthers("acc", "example.com")->at(0).updated_at_ms, kStartMs + 10);
  measured.record_status = "stopped";
  a_->Measured(measured);
  Round(*a_);
  EXPECT_EQ(status(), "stopped");
  // The same state again is no write of its own: the measurements wait for the refresh.
  measured.video_kbps = 800;
  a_->Measured(measured);
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s1@700"}));
}

TEST_P(StreamDirectoryTest, AnEndedStreamIsDeletedAndARepublishReplacesTheRow) {
  a_->Published(Stream("s1"));
  a_->Published(Stream("s2"));
  Round(*a_);
  a_->Ended(Stream("s1"));
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s2@0"}));
  // Ended and published again between two rounds: the row of the new publish.
  a_->Ended(Stream("s2"));
  OnlineStreamRow again = Stream("s2");
  again.publish_time_ms = 2000;
  a_->Published(again);
  Round(*a_);
  auto rows = b_->ListOthers("acc", "example.com").value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].publish_time_ms, 2000);
  // Published and ended between two rounds: nothing.
  a_->Published(Stream("s3"));
  a_->Ended(Stream("s3"));
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s2@0"}));
}

TEST_P(StreamDirectoryTest, AFailedWriteIsTriedAgainAtTheNextRound) {
  ASSERT_TRUE(db_->ExecuteScript("ALTER TABLE online_streams RENAME TO online_streams_away").ok());
  a_->Published(Stream("s1"));
  EXPECT_FALSE(a_->WriteRound().ok());
  ASSERT_TRUE(db_->ExecuteScript("ALTER TABLE online_streams_away RENAME TO online_streams").ok());
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s1@0"}));
}

TEST_P(StreamDirectoryTest, StreamsOfANodeWhoseLeaseLapsedGoAndAreWrittenAgainIfItReturns) {
  a_->Published(Stream("s1"));
  Round(*a_);
  // Node a pauses past its lease: b no longer lists its stream, and b's purge deletes the row.
  clock_.AdvanceMs(kLeaseMs);
  ASSERT_TRUE(
      metadata::LeaseRepository(*db_, clock_).Acquire({"node", "b"}, "hb", kLeaseMs).has_value());
  EXPECT_EQ(SeenFromB(), std::vector<std::string>{});
  Round(*b_);  // its first round purges
  EXPECT_EQ(metadata::AsInt(db_->Query("SELECT COUNT(*) FROM online_streams")->at(0).at(0)), 0);
  // Node a renews (nobody took its lease) and its next refresh writes the row again.
  Renew();
  Round(*a_);
  EXPECT_EQ(SeenFromB(), (std::vector<std::string>{"a:s1@0"}));
}

TEST_P(StreamDirectoryTest, StartClearsEarlierRunsAndTheThreadWritesAtOnceAndAtStop) {
  OnlineStreamRow old = Stream("old");
  old.node_id = "a";
  old.holder = "ha-earlier";
  ASSERT_TRUE(metadata::OnlineStreamRepository(*db_).Upsert(old).ok());
  a_->Start();
  EXPECT_EQ(metadata::AsInt(db_->Query("SELECT COUNT(*) FROM online_streams")->at(0).at(0)), 0);
  a_->Published(Stream("s1"));
  bool seen = false;
  for (int i = 0; i < 500 && !seen; ++i) {
    seen = SeenFromB().size() == 1;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(seen) << "written by the thread without waiting for a refresh";
  a_->Ended(Stream("s1"));
  a_->Stop();
  EXPECT_EQ(SeenFromB(), std::vector<std::string>{});
}

LIVEREC_ON_BOTH_BACKENDS(StreamDirectoryTest);

}  // namespace
}  // namespace liverec::cluster
