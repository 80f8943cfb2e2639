#include "metadata/migrations.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>

#include "metadata/index_file_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/tenant_repository.h"
#include "testing/database_test.h"

namespace liverec::metadata {
namespace {

class MigrationsTest : public testing::DatabaseTest {
 protected:
  MigrationsTest() { migrate_ = false; }

  // The names of `table`'s indexes made by migrations (not the primary key), sorted.
  std::vector<std::string> IndexNames(const std::string& table) {
    auto rows = backend() == testing::Backend::kSqlite
                    ? db_->Query(
                          "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                          "tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                          {table})
                    : db_->Query(
                          "SELECT indexname FROM pg_indexes WHERE tablename = ? AND "
                          "schemaname = current_schema() AND indexname NOT LIKE '%_pkey' "
                          "ORDER BY indexname",
                          {table});
    EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
    std::vector<std::string> names;
    if (rows) {
      for (const auto& row : *rows) names.push_back(AsText(row[0]));
    }
    return names;
  }
};

TEST_P(MigrationsTest, ClusteringTheSliceIndexKeepsEverySliceAndItsIndexes) {
  ASSERT_TRUE(ApplyMigrationsUpTo(*db_, clock_, 3).ok());
  bool sqlite = backend() == testing::Backend::kSqlite;
  if (sqlite) {
    ASSERT_TRUE(db_->Query("SELECT rowid FROM slices", {}).has_value());  // a rowid table before
  }
  std::string account = TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
  RecordingRepository recordings(*db_, clock_, random_);
  std::string stream = recordings.EnsureStream(account, "a.com", "live", "s1")->id;
  for (int i = 5; i >= 0; --i) {  // inserted out of order on purpose
    SliceRow s{account,
               stream,
               10'000LL * i,
               10'000LL * (i + 1),
               10'000,
               100 + i,
               "local",
               "records",
               fmt::format("k{}.ts", i),
               "h264",
               "aac",
               640,
               360,
               i,
               i < 3 ? "" : "cycle-1",
               i == 3};
    ASSERT_TRUE(recordings.InsertSlice(s).ok());
  }

  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  EXPECT_EQ(*SchemaVersion(*db_), AllMigrations().back().version);
  if (sqlite) {
    EXPECT_FALSE(db_->Query("SELECT rowid FROM slices", {}).has_value());  // WITHOUT ROWID now
    // slices_spans: migration 7's covering index.
    EXPECT_EQ(IndexNames("slices"),
              (std::vector<std::string>{"slices_by_age", "slices_by_cycle", "slices_spans"}));
  } else {  // the same heap table; its key covers every column (migration 12)
    EXPECT_EQ(IndexNames("slices"), (std::vector<std::string>{"slices_by_age", "slices_by_cycle"}));
  }

  auto slices = IndexFileRepository(*db_).SlicesStartingIn(account, stream, 0, 100'000, 100);
  ASSERT_TRUE(slices.has_value());
  ASSERT_EQ(slices->size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const auto& s = (*slices)[static_cast<size_t>(i)];
    EXPECT_EQ(s.start_ms, 10'000LL * i);
    EXPECT_EQ(s.bytes, 100 + i);
    EXPECT_EQ(s.object_key, fmt::format("k{}.ts", i));
    EXPECT_EQ(s.cycle_id, i < 3 ? "" : "cycle-1");
    EXPECT_EQ(s.discontinuity, i == 3);
  }
  EXPECT_EQ(recordings.ListCycleSlices(account, "cycle-1")->size(), 3u);
  // The key still refuses a second slice at the same start (ON CONFLICT DO NOTHING keeps one).
  SliceRow again{account,  stream, 0,     5, 5, 1, "local", "records",
                 "dup.ts", "h264", "aac", 1, 1, 9, "",      false};
  ASSERT_TRUE(recordings.InsertSlice(again).ok());
  EXPECT_EQ(
      IndexFileRepository(*db_).SlicesStartingIn(account, stream, 0, 1, 10)->front().object_key,
      "k0.ts");
}

TEST_P(MigrationsTest, SliceSpansAreReadInOrderWithoutBuildingRows) {
  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  std::string account = TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
  RecordingRepository recordings(*db_, clock_, random_);
  std::string stream = recordings.EnsureStream(account, "a.com", "live", "s1")->id;
  for (int i = 0; i < 4; ++i) {
    SliceRow s{account,
               stream,
               10'000LL * i,
               10'000LL * i + 9'000,
               9'000,
               1,
               "local",
               i < 2 ? "b1" : "b2",
               fmt::format("k{}.ts", i),
               "h264",
               "aac",
               1,
               1,
               i,
               "c",
               false};
    ASSERT_TRUE(recordings.InsertSlice(s).ok());
  }
  std::vector<std::string> seen;
  Status walked = IndexFileRepository(*db_).ForEachSliceSpan(
      account, stream, 10'000, 40'000, [&](const SliceSpan& span) {
        seen.push_back(fmt::format("{}-{}:{}", span.start_ms, span.end_ms, span.bucket));
        return Status::Ok();
      });
  ASSERT_TRUE(walked.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"10000-19000:b1", "20000-29000:b2", "30000-39000:b2"}));
  if (backend() == testing::Backend::kSqlite) {
    auto plan = db_->Query(
        "EXPLAIN QUERY PLAN SELECT start_ms, end_ms, duration_ms, endpoint, bucket FROM slices "
        "WHERE account_id = ? AND stream_id = ? AND start_ms >= ? AND start_ms < ? "
        "ORDER BY start_ms",
        {account, stream, int64_t{0}, int64_t{1}});
    ASSERT_TRUE(plan.has_value() && !plan->empty());
    EXPECT_NE(AsText(plan->back().back()).find("COVERING INDEX slices_spans"), std::string::npos)
        << AsText(plan->back().back());
  }
  // A callback's error stops the walk and comes back, and the database serves the next query.
  int calls = 0;
  Status stopped =
      IndexFileRepository(*db_).ForEachSliceSpan(account, stream, 0, 40'000, [&](const SliceSpan&) {
        ++calls;
        return Status(ErrorCode::kInternalError, "", "stop");
      });
  EXPECT_FALSE(stopped.ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(recordings.ListStreamSlices(account, stream, 0, 40'000)->size(), 4u);
}

TEST_P(MigrationsTest, Migration12MakesTheSliceKeyCoverEveryColumnOnPostgres) {
  ASSERT_TRUE(ApplyMigrationsUpTo(*db_, clock_, 11).ok());
  std::string account = TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
  RecordingRepository recordings(*db_, clock_, random_);
  std::string stream = recordings.EnsureStream(account, "a.com", "live", "s1")->id;
  for (int i = 0; i < 3; ++i) {
    SliceRow s{account,
               stream,
               10'000LL * i,
               10'000LL * (i + 1),
               10'000,
               7,
               "local",
               "records",
               fmt::format("k{}.ts", i),
               "h264",
               "aac",
               640,
               360,
               i,
               "c",
               i == 0};
    ASSERT_TRUE(recordings.InsertSlice(s).ok());
  }

  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  auto slices = IndexFileRepository(*db_).SlicesStartingIn(account, stream, 0, 100'000, 10);
  ASSERT_TRUE(slices.has_value());
  ASSERT_EQ(slices->size(), 3u);
  EXPECT_EQ(slices->back().object_key, "k2.ts");
  EXPECT_TRUE(slices->front().discontinuity);
  // Still the key: a second slice at the same start is not stored.
  SliceRow again{account,  stream, 0,     5, 5, 1, "local", "records",
                 "dup.ts", "h264", "aac", 1, 1, 9, "",      false};
  ASSERT_TRUE(recordings.InsertSlice(again).ok());
  EXPECT_EQ(recordings.ListStreamSlices(account, stream, 0, 100'000)->size(), 3u);
  if (backend() == testing::Backend::kPostgres) {
    auto definition = db_->Query(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'slices'::regclass "
        "AND indisprimary");
    ASSERT_TRUE(definition.has_value() && definition->size() == 1u);
    std::string text = AsText(definition->at(0).at(0));
    EXPECT_NE(text.find("(account_id, stream_id, start_ms) INCLUDE (end_ms, duration_ms, bytes, "
                        "endpoint, bucket, object_key, video_codec, audio_codec, width, height, "
                        "sequence, cycle_id, discontinuity)"),
              std::string::npos)
        << text;
  }
}

TEST_P(MigrationsTest, FilesStoredBeforeMigration10CountAsAnnounced) {
  ASSERT_TRUE(ApplyMigrationsUpTo(*db_, clock_, 9).ok());
  std::string account = TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
  std::string stream =
      RecordingRepository(*db_, clock_, random_).EnsureStream(account, "a.com", "live", "s1")->id;
  ASSERT_TRUE(
      db_->Execute("INSERT INTO index_files VALUES (?, 'c1', ?, 'cycle', 'local', 'records', "
                   "'p.m3u8', 'm3u8', 0, 1, 1, 0, 0, 5)",
                   {account, stream})
          .has_value());
  ASSERT_TRUE(db_->Execute("INSERT INTO record_files VALUES (?, 'f1', ?, 'c2', 0, 0, 1, 'mp4', "
                           "'local', 'records', 'v.mp4', 0, 1, 1, 0, 0, 9, 5)",
                           {account, stream})
                  .has_value());

  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  EXPECT_TRUE(IndexFileRepository(*db_).ListUnannounced()->empty());
  EXPECT_TRUE((*IndexFileRepository(*db_).Find(account, stream, "c1"))->announced);
  RecordingRepository recordings(*db_, clock_, random_);
  EXPECT_TRUE(recordings.ListUnannouncedRecordFiles()->empty());
  EXPECT_TRUE(recordings.ListCycleRecordFiles(account, "c2")->front().announced);
  std::vector<std::string> index_files = IndexNames("index_files");
  std::vector<std::string> record_files = IndexNames("record_files");
  EXPECT_NE(std::find(index_files.begin(), index_files.end(), "index_files_unannounced"),
            index_files.end());
  EXPECT_NE(std::find(record_files.begin(), record_files.end(), "record_files_unannounced"),
            record_files.end());
}

TEST_P(MigrationsTest, OnlineStreamsFromBeforeMigration24HaveNoRecordStatus) {
  ASSERT_TRUE(ApplyMigrationsUpTo(*db_, clock_, 22).ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO online_streams VALUES ('acc', 'a.com', 'live', 's1', "
                           "'n1', 'h1', 'a.com', '192.0.2.1', '', 1, 'h264', 'aac', 1280, 720, "
                           "25, 900, 64, 2)")
                  .has_value());
  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  auto rows = db_->Query("SELECT record_status, video_kbps FROM online_streams");
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(AsText(rows->at(0).at(0)), "");
  EXPECT_EQ(AsInt(rows->at(0).at(1)), 900);
}

TEST_P(MigrationsTest, ApplyingTwiceIsHarmlessAndRecordsTheVersion) {
  EXPECT_EQ(*StoredSchemaVersion(*db_), 0);  // nothing yet, and nothing made by asking
  EXPECT_EQ(*StoredSchemaVersion(*db_), 0);
  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  EXPECT_EQ(*SchemaVersion(*db_), AllMigrations().back().version);
  EXPECT_EQ(*StoredSchemaVersion(*db_), AllMigrations().back().version);
  auto rows = db_->Query("SELECT COUNT(*) FROM schema_migrations");
  EXPECT_EQ(AsInt(rows->at(0).at(0)), static_cast<int64_t>(AllMigrations().size()));
}

TEST_P(MigrationsTest, ADatabaseNewerThanThisBinaryIsRefused) {
  ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
  int newer = AllMigrations().back().version + 1;
  ASSERT_TRUE(db_->Execute("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES "
                           "(?, 'from the future', 0)",
                           {int64_t{newer}})
                  .has_value());
  Status status = ApplyMigrations(*db_, clock_);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.detail().find(fmt::format("the database schema is version {}, newer than this "
                                             "liverec ({})",
                                             newer, newer - 1)),
            std::string::npos)
      << status.ToString();
}

TEST_P(MigrationsTest, CachedStatementsSurviveNestedUseOfTheSameQuery) {
  ASSERT_TRUE(
      db_->ExecuteScript("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2);").ok());
  SqlDatabase* db = db_;
  constexpr std::string_view kSql = "SELECT v FROM t ORDER BY v";
  std::vector<int64_t> outer;
  size_t inner_rows = 0;
  Status status = db->QueryEach(kSql, {}, [&](const SqlRowView& row) {
    outer.push_back(row.Int(0));
    auto inner = db->Query(kSql, {});  // same text while the first is still stepping
    if (!inner) return inner.error();
    inner_rows += inner->size();
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(outer, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(inner_rows, 4u);
  EXPECT_EQ(db->Query(kSql, {})->size(), 2u);  // and the cache still works afterwards
}

LIVEREC_ON_BOTH_BACKENDS(MigrationsTest);

}  // namespace
}  // namespace liverec::metadata
