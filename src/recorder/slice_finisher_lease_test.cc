// A node that lost a stream's recording lease while cut off (docs/cluster.md "Slices caught by a
// node's death"): while another node holds the lease only to close the cycles it found left, the
// node whose publisher still holds the stream waits (LeaseHeld, the lane retries) and then records
// on in a new cycle; once its publish is taken over, its recording fails alone (LeaseLost). Two
// nodes' recording leases over one database, a fake clock, real 1-second TS slices.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "cluster/stream_leases.h"
#include "media/compose/compose_test_support.h"
#include "metadata/tenant_repository.h"
#include "recorder/cycle_manager.h"
#include "recorder/slice_finisher.h"
#include "storage/local/local_object_store.h"
#include "testing/temp_dir.h"
#include "testing/test_database.h"

namespace liverec::recorder {
namespace {

namespace fs = std::filesystem;
using media::compose::test_support::MakeSlices;

constexpr int64_t kLeaseMs = 2000;

class SliceFinisherLeaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    media_dir_ = new std::string(fs::temp_directory_path() /
                                 ("slice_finisher_lease_" + std::to_string(::getpid())));
    fs::create_directories(*media_dir_);
    ts_ = new std::vector<std::string>(MakeSlices(*media_dir_, "s", 3));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*media_dir_);
    delete ts_;
    delete media_dir_;
  }

  void SetUp() override {
    ASSERT_EQ(ts_->size(), 3u);
    dir_ = tmp_.path().string();
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    account_ = metadata::TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
    recordings_ = std::make_unique<metadata::RecordingRepository>(*db_, clock_, random_);
    stream_id_ = recordings_->EnsureStream(account_, "a.com", "live", "s1")->id;
    store_ = std::make_unique<storage::LocalObjectStore>(dir_ + "/bucket");
    spool_ = std::make_unique<Spool>(dir_ + "/spool");
    b_leases_ = std::make_unique<cluster::StreamLeases>(*db_, clock_, "record", "node-b", kLeaseMs);
    a_leases_ = std::make_unique<cluster::StreamLeases>(*db_, clock_, "record", "node-a", kLeaseMs);
    cycles_ = std::make_unique<CycleManager>(
        *recordings_, [this](const std::string&, const std::string&) { return store_.get(); },
        *spool_, clock_, random_);
    cycles_->SetLeases(b_leases_.get());
    finisher_ = std::make_unique<SliceFinisher>(
        *recordings_, *cycles_,
        [this](const std::string&, const std::string&) { return store_.get(); }, *spool_, clock_,
        nullptr, b_leases_.get(), [this] { return publishing_.load(); });
  }

  RecordingPlan Plan() {
    RecordingPlan plan{account_, stream_id_, "cfg",     "a.com", "live",
                       "s1",     "local",    "records", "",      "",
                       21600,    1,          5,         0,       {{"m3u8", "p/{Sequence}", 3600}}};
    plan.playlist_template = "p/{Sequence}";
    plan.slice_template = "rec/{StreamName}/{UnixTimestamp}_{Sequence}";
    return plan;
  }

  // Test slice `index` as a closed spool slice starting now; the clock moves on a second.
  SpoolSlice Spooled(size_t index) {
    int64_t start = clock_.NowMs();
    SpoolSlice slice{Plan(),     "slice" + std::to_string(index),
                     start,      start + 1000,
                     0,          "h264",
                     "aac",      320,
                     240,        false,
                     index == 0, false,
                     true};
    fs::create_directories(spool_->StreamDir(stream_id_));
    fs::copy_file((*ts_)[index], spool_->ClosedPath(slice));
    EXPECT_TRUE(spool_->WriteSidecar(slice).ok());
    clock_.AdvanceMs(1000);
    return slice;
  }

  // Node b records slice 0; then it is cut off past its lease and node a takes the lease over
  // (as CycleManager::CloseWithLease does to close the cycle b left). Returns the first cycle.
  std::string RecordThenLoseTheLease() {
    EXPECT_TRUE(finisher_->Begin(Plan(), clock_.NowMs()).ok());
    SpoolSlice first = Spooled(0);
    Status stored = finisher_->Finish(first);
    EXPECT_TRUE(stored.ok()) << stored.ToString();
    clock_.AdvanceMs(kLeaseMs + 1000);
    auto taken = a_leases_->Acquire(RecordLeaseName(account_, stream_id_));
    EXPECT_TRUE(taken.has_value()) << taken.error().ToString();
    a_fence_ = taken.value_or(metadata::Fence{});
    auto rows = recordings_->ListCycleSlices(account_, Cycles().at(0).id);
    EXPECT_EQ(rows->size(), 1u);
    return Cycles().at(0).id;
  }

  // The stream's cycles not closed.
  std::vector<metadata::RecordCycleRow> Cycles() {
    auto cycles = recordings_->ListOpenCycles();
    EXPECT_TRUE(cycles.has_value());
    return cycles.value_or(std::vector<metadata::RecordCycleRow>{});
  }

  static std::string* media_dir_;
  static std::vector<std::string>* ts_;
  liverec::testing::TempDir tmp_{"slice_finisher_lease"};
  std::string dir_;
  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::RecordingRepository> recordings_;
  std::unique_ptr<storage::LocalObjectStore> store_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<cluster::StreamLeases> a_leases_;
  std::unique_ptr<cluster::StreamLeases> b_leases_;
  std::unique_ptr<CycleManager> cycles_;
  std::unique_ptr<SliceFinisher> finisher_;
  std::atomic<bool> publishing_{true};
  metadata::Fence a_fence_;
  std::string account_;
  std::string stream_id_;
};

std::string* SliceFinisherLeaseTest::media_dir_ = nullptr;
std::vector<std::string>* SliceFinisherLeaseTest::ts_ = nullptr;

TEST_F(SliceFinisherLeaseTest, WaitsWhileAnotherNodeClosesItsCyclesThenRecordsOnInANewCycle) {
  std::string first = RecordThenLoseTheLease();
  SpoolSlice next = Spooled(1);
  // Node a holds the lease (closing the cycle): b's slice waits, nothing fails.
  EXPECT_EQ(finisher_->Finish(next).code(), ErrorCode::kLeaseHeld);
  EXPECT_EQ(finisher_->Finish(next).code(), ErrorCode::kLeaseHeld);  // the lane's retry
  EXPECT_FALSE(finisher_->Failed());
  EXPECT_TRUE(fs::exists(spool_->ClosedPath(next)));
  // Node a closes the cycle b left (b's last activity is past DelayTime) and lets the lease go:
  // b takes it anew and records on in a new cycle.
  ASSERT_TRUE(recordings_->MarkCycleClosing(account_, first, &a_fence_).value_or(false));
  ASSERT_TRUE(recordings_->CloseCycle(account_, first, "p/0.m3u8", clock_.NowMs(), &a_fence_).ok());
  a_leases_->Release(a_fence_);
  Status stored = finisher_->Finish(next);
  ASSERT_TRUE(stored.ok()) << stored.ToString();
  auto cycles = Cycles();
  ASSERT_EQ(cycles.size(), 1u);
  std::string second = cycles[0].id;
  EXPECT_NE(second, first);
  EXPECT_EQ(recordings_->ListCycleSlices(account_, first)->size(), 1u);
  EXPECT_EQ(recordings_->ListCycleSlices(account_, second)->size(), 1u);
  // Later slices go on without taking the lease again.
  SpoolSlice last = Spooled(2);
  EXPECT_TRUE(finisher_->Finish(last).ok());
  EXPECT_EQ(recordings_->ListCycleSlices(account_, second)->size(), 2u);
}

TEST_F(SliceFinisherLeaseTest, FailsAloneOnceItsPublishWasTakenOver) {
  RecordThenLoseTheLease();
  SpoolSlice next = Spooled(1);
  EXPECT_EQ(finisher_->Finish(next).code(), ErrorCode::kLeaseHeld);
  // Another node's publisher took the stream (this node's publish lease was taken over): node a
  // records it now; b's recording fails alone (the lane sets the slice aside).
  publishing_ = false;
  EXPECT_EQ(finisher_->Finish(next).code(), ErrorCode::kLeaseLost);
}

}  // namespace
}  // namespace liverec::recorder
