#include "metadata/migrations.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "base/random.h"
#include "metadata/index_file_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"

namespace liverec::metadata {
namespace {

// Applies the migrations up to `version` the way ApplyMigrations does, to build an older schema.
void ApplyUpTo(SqlDatabase& db, int version) {
  ASSERT_TRUE(db.ExecuteScript("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name "
                               "TEXT NOT NULL, applied_at_ms BIGINT NOT NULL);")
                  .ok());
  for (const auto& m : AllMigrations()) {
    if (m.version > version) break;
    std::string_view sql = m.sqlite_sql.empty() ? m.sql : m.sqlite_sql;
    ASSERT_TRUE(db.ExecuteScript(fmt::format("{}\nINSERT INTO schema_migrations VALUES ({}, '{}', 0);",
                                             sql, m.version, m.name))
                    .ok())
        << m.name;
  }
}

TEST(MigrationsTest, ClusteringTheSliceIndexKeepsEverySliceAndItsIndexes) {
  FakeClock clock(1'767'225'600'000);
  OsRandom random;
  auto db = std::move(*SqliteDatabase::Open(":memory:"));
  ApplyUpTo(*db, 3);
  ASSERT_TRUE(db->Query("SELECT rowid FROM slices", {}).has_value());  // a rowid table before
  std::string account = TenantRepository(*db, clock, random).EnsureAccount("a")->id;
  RecordingRepository recordings(*db, clock, random);
  std::string stream = recordings.EnsureStream(account, "a.com", "live", "s1")->id;
  for (int i = 5; i >= 0; --i) {  // inserted out of order on purpose
    SliceRow s{account, stream, 10'000LL * i, 10'000LL * (i + 1), 10'000, 100 + i, "local",
               "records", fmt::format("k{}.ts", i), "h264", "aac", 640, 360, i,
               i < 3 ? "" : "cycle-1", i == 3};
    ASSERT_TRUE(recordings.InsertSlice(s).ok());
  }

  ASSERT_TRUE(ApplyMigrations(*db, clock).ok());
  EXPECT_EQ(*SchemaVersion(*db), AllMigrations().back().version);
  EXPECT_FALSE(db->Query("SELECT rowid FROM slices", {}).has_value());  // WITHOUT ROWID now
  auto indexes = db->Query(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'slices' AND sql IS NOT "
      "NULL ORDER BY name",
      {});
  ASSERT_TRUE(indexes.has_value());
  ASSERT_EQ(indexes->size(), 3u);
  EXPECT_EQ(AsText((*indexes)[0][0]), "slices_by_age");
  EXPECT_EQ(AsText((*indexes)[1][0]), "slices_by_cycle");
  EXPECT_EQ(AsText((*indexes)[2][0]), "slices_spans");  // migration 7

  auto slices = IndexFileRepository(*db).SlicesStartingIn(account, stream, 0, 100'000, 100);
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
  SliceRow again{account, stream, 0, 5, 5, 1, "local", "records", "dup.ts", "h264", "aac", 1, 1,
                 9, "", false};
  ASSERT_TRUE(recordings.InsertSlice(again).ok());
  EXPECT_EQ(IndexFileRepository(*db).SlicesStartingIn(account, stream, 0, 1, 10)->front().object_key,
            "k0.ts");
}

TEST(MigrationsTest, SliceSpansAreReadInOrderWithoutBuildingRows) {
  FakeClock clock(1'767'225'600'000);
  OsRandom random;
  auto db = std::move(*SqliteDatabase::Open(":memory:"));
  ASSERT_TRUE(ApplyMigrations(*db, clock).ok());
  std::string account = TenantRepository(*db, clock, random).EnsureAccount("a")->id;
  RecordingRepository recordings(*db, clock, random);
  std::string stream = recordings.EnsureStream(account, "a.com", "live", "s1")->id;
  for (int i = 0; i < 4; ++i) {
    SliceRow s{account, stream, 10'000LL * i, 10'000LL * i + 9'000, 9'000, 1, "local",
               i < 2 ? "b1" : "b2", fmt::format("k{}.ts", i), "h264", "aac", 1, 1, i, "c", false};
    ASSERT_TRUE(recordings.InsertSlice(s).ok());
  }
  std::vector<std::string> seen;
  Status walked = IndexFileRepository(*db).ForEachSliceSpan(
      account, stream, 10'000, 40'000, [&](const SliceSpan& span) {
        seen.push_back(fmt::format("{}-{}:{}", span.start_ms, span.end_ms, span.bucket));
        return Status::Ok();
      });
  ASSERT_TRUE(walked.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"10000-19000:b1", "20000-29000:b2",
                                            "30000-39000:b2"}));
  auto plan = db->Query(
      "EXPLAIN QUERY PLAN SELECT start_ms, end_ms, duration_ms, endpoint, bucket FROM slices "
      "WHERE account_id = ? AND stream_id = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms",
      {account, stream, int64_t{0}, int64_t{1}});
  ASSERT_TRUE(plan.has_value() && !plan->empty());
  EXPECT_NE(AsText(plan->back().back()).find("COVERING INDEX slices_spans"), std::string::npos)
      << AsText(plan->back().back());
  // A callback's error stops the walk and comes back.
  int calls = 0;
  Status stopped = IndexFileRepository(*db).ForEachSliceSpan(
      account, stream, 0, 40'000, [&](const SliceSpan&) {
        ++calls;
        return Status(ErrorCode::kInternalError, "", "stop");
      });
  EXPECT_FALSE(stopped.ok());
  EXPECT_EQ(calls, 1);
}

TEST(MigrationsTest, FilesStoredBeforeMigration10CountAsAnnounced) {
  FakeClock clock(1'767'225'600'000);
  OsRandom random;
  auto db = std::move(*SqliteDatabase::Open(":memory:"));
  ApplyUpTo(*db, 9);
  std::string account = TenantRepository(*db, clock, random).EnsureAccount("a")->id;
  std::string stream =
      RecordingRepository(*db, clock, random).EnsureStream(account, "a.com", "live", "s1")->id;
  ASSERT_TRUE(
      db->Execute("INSERT INTO index_files VALUES (?, 'c1', ?, 'cycle', 'local', 'records', "
                  "'p.m3u8', 'm3u8', 0, 1, 1, 0, 0, 5)",
                  {account, stream})
          .has_value());
  ASSERT_TRUE(db->Execute("INSERT INTO record_files VALUES (?, 'f1', ?, 'c2', 0, 0, 1, 'mp4', "
                          "'local', 'records', 'v.mp4', 0, 1, 1, 0, 0, 9, 5)",
                          {account, stream})
                  .has_value());

  ASSERT_TRUE(ApplyMigrations(*db, clock).ok());
  EXPECT_TRUE(IndexFileRepository(*db).ListUnannounced()->empty());
  EXPECT_TRUE((*IndexFileRepository(*db).Find(account, stream, "c1"))->announced);
  RecordingRepository recordings(*db, clock, random);
  EXPECT_TRUE(recordings.ListUnannouncedRecordFiles()->empty());
  EXPECT_TRUE(recordings.ListCycleRecordFiles(account, "c2")->front().announced);
  auto indexes = db->Query(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%unannounced' ORDER BY "
      "name",
      {});
  ASSERT_TRUE(indexes.has_value());
  ASSERT_EQ(indexes->size(), 2u);
  EXPECT_EQ(AsText((*indexes)[0][0]), "index_files_unannounced");
  EXPECT_EQ(AsText((*indexes)[1][0]), "record_files_unannounced");
}

TEST(MigrationsTest, CachedStatementsSurviveNestedUseOfTheSameQuery) {
  auto db = std::move(*SqliteDatabase::Open(":memory:"));
  ASSERT_TRUE(db->ExecuteScript("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2);").ok());
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

}  // namespace
}  // namespace liverec::metadata
