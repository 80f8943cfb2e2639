#include "metadata/index_file_repository.h"

#include <gtest/gtest.h>

#include "metadata/recording_repository.h"
#include "metadata/tenant_repository.h"
#include "testing/database_test.h"

namespace liverec::metadata {
namespace {

class IndexFileRepositoryTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    account_ = TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
    RecordingRepository recordings(*db_, clock_, random_);
    stream_ = recordings.EnsureStream(account_, "a.com", "live", "s1")->id;
    for (int i = 0; i < 10; ++i) {
      SliceRow s{account_,
                 stream_,
                 1000LL * i * 10,
                 1000LL * (i * 10 + 10),
                 10'000,
                 100,
                 "local",
                 "records",
                 "k" + std::to_string(i) + ".ts",
                 "h264",
                 "aac",
                 640,
                 360,
                 i,
                 "",
                 false};
      ASSERT_TRUE(recordings.InsertSlice(s).ok());
    }
    repo_ = std::make_unique<IndexFileRepository>(*db_);
  }
  std::unique_ptr<IndexFileRepository> repo_;
  std::string account_, stream_;
};

TEST_P(IndexFileRepositoryTest, SlicesAreSelectedByStartTimeWithALimit) {
  auto in = repo_->SlicesStartingIn(account_, stream_, 15'000, 45'000, 100);
  ASSERT_TRUE(in.has_value());
  ASSERT_EQ(in->size(), 3u);  // starts 20 s, 30 s, 40 s; the one from 10 s overlaps but is out
  EXPECT_EQ(in->front().object_key, "k2.ts");
  EXPECT_EQ(repo_->SlicesStartingIn(account_, stream_, 0, 100'000, 4)->size(), 4u);
  EXPECT_TRUE(repo_->SlicesStartingIn("other", stream_, 0, 100'000, 100)->empty());
  auto next = repo_->FirstSliceFrom(account_, stream_, 45'000);
  ASSERT_TRUE(next.has_value() && next->has_value());
  EXPECT_EQ((*next)->object_key, "k5.ts");
  EXPECT_FALSE(repo_->FirstSliceFrom(account_, stream_, 100'001)->has_value());
}

TEST_P(IndexFileRepositoryTest, FilesAreListedByContentStartAndPagedByCreation) {
  for (int i = 0; i < 7; ++i) {
    clock_.AdvanceMs(1);
    IndexFileRow f{account_,
                   std::to_string(100 + i),
                   stream_,
                   "index",
                   "local",
                   "records",
                   "f" + std::to_string(i) + ".m3u8",
                   "m3u8",
                   1000LL * i,
                   1000LL * i + 500,
                   500,
                   640,
                   360,
                   clock_.NowMs()};
    ASSERT_TRUE(repo_->Insert(f).ok());
  }
  auto page = repo_->List(account_, stream_, 1000, 6000, 2, 2, true);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->files.size(), 2u);
  EXPECT_EQ(page->files[0].object_key, "f3.m3u8");
  auto desc = repo_->List(account_, stream_, 0, 10'000, 1, 5, false);
  EXPECT_EQ(desc->files.front().object_key, "f6.m3u8");
  EXPECT_TRUE(repo_->Find(account_, stream_, "103")->has_value());
  EXPECT_FALSE(repo_->Find(account_, "other", "103")->has_value());
  EXPECT_TRUE(*repo_->Delete(account_, stream_, "103"));
  EXPECT_FALSE(*repo_->Delete(account_, stream_, "103"));
}

TEST_P(IndexFileRepositoryTest, UnannouncedPlaylistsAreListedUntilMarked) {
  IndexFileRow api{account_, "api", stream_, "index", "local", "records", "i.m3u8",
                   "m3u8",   0,     1,       1,       0,       0,         5};
  ASSERT_TRUE(repo_->Insert(api).ok());  // announced by default: nothing to tell
  IndexFileRow cycle = api;
  cycle.id = "cycle-1";
  cycle.source = "cycle";
  cycle.object_key = "c.m3u8";
  cycle.announced = false;
  ASSERT_TRUE(repo_->Insert(cycle).ok());
  auto pending = repo_->ListUnannounced();
  ASSERT_TRUE(pending.has_value()) << pending.error().ToString();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, "cycle-1");
  EXPECT_FALSE((*pending)[0].announced);
  EXPECT_FALSE((*repo_->Find(account_, stream_, "cycle-1"))->announced);
  EXPECT_TRUE((*repo_->Find(account_, stream_, "api"))->announced);
  ASSERT_TRUE(repo_->MarkAnnounced(account_, "cycle-1").ok());
  ASSERT_TRUE(repo_->MarkAnnounced(account_, "cycle-1").ok()) << "marking twice is no error";
  EXPECT_TRUE(repo_->ListUnannounced()->empty());
  EXPECT_TRUE((*repo_->Find(account_, stream_, "cycle-1"))->announced);
  // The scan at start reads the partial index, not the table.
  std::string plan;
  Status explained = db_->InTransaction([&](SqlSession& session) -> Status {
    bool sqlite = backend() == testing::Backend::kSqlite;
    if (!sqlite) {  // a near-empty table: make the planner show the index it can use
      auto off = session.Execute("SET LOCAL enable_seqscan = off", {});
      if (!off) return off.error();
    }
    auto rows = session.Query(std::string(sqlite ? "EXPLAIN QUERY PLAN" : "EXPLAIN") +
                                  " SELECT id FROM index_files WHERE announced = 0 "
                                  "ORDER BY account_id, id",
                              {});
    if (!rows) return rows.error();
    for (const auto& row : *rows) plan += AsText(row.back()) + "\n";
    return Status::Ok();
  });
  ASSERT_TRUE(explained.ok()) << explained.ToString();
  EXPECT_NE(plan.find("index_files_unannounced"), std::string::npos) << plan;
}

TEST_P(IndexFileRepositoryTest, RetentionPurgesOnlyOldRows) {
  EXPECT_EQ(*repo_->PurgeSlicesBefore(30'000), 3);
  EXPECT_EQ(repo_->SlicesStartingIn(account_, stream_, 0, 100'000, 100)->size(), 7u);
  IndexFileRow f{account_, "x", stream_, "index", "local", "records", "x.m3u8",
                 "m3u8",   0,   1,       1,       0,       0,         5};
  ASSERT_TRUE(repo_->Insert(f).ok());
  EXPECT_EQ(*repo_->PurgeIndexFilesBefore(5), 0);
  EXPECT_EQ(*repo_->PurgeIndexFilesBefore(6), 1);
}

LIVEREC_ON_BOTH_BACKENDS(IndexFileRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
