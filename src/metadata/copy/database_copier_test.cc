#include "metadata/copy/database_copier.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "metadata/copy/copy_progress.h"
#include "metadata/copy/copy_schema.h"
#include "metadata/migrations.h"
#include "testing/test_database.h"

namespace liverec::metadata {
namespace {

using testing::Backend;
using testing::TestDatabase;

constexpr int64_t kBatchRows = 100;
constexpr int kRowsPerTable = 250;  // three batches of kBatchRows per table

// The parent rows every child row points at: one account, stream, record config and domain.
const std::map<std::string, std::string>& FixedColumns() {
  static const std::map<std::string, std::string> kFixed = {{"account_id", "acct-1"},
                                                            {"stream_id", "stream-1"},
                                                            {"config_id", "config-1"},
                                                            {"domain_name", "example.com"}};
  return kFixed;
}

// The table whose key is that parent's id: it gets one row.
const std::map<std::string, std::string>& ParentIds() {
  static const std::map<std::string, std::string> kParents = {
      {"accounts", "acct-1"}, {"streams", "stream-1"}, {"record_configs", "config-1"}};
  return kParents;
}

struct ColumnInfo {
  std::string name;
  bool integer = false;
  bool not_null = false;
};

std::vector<ColumnInfo> ColumnsOf(SqlDatabase& db, const std::string& table) {
  // A key column counts as NOT NULL: SQLite would take a NULL there, PostgreSQL not.
  auto rows = db.Query(
      "SELECT name, type, \"notnull\" OR pk > 0 FROM pragma_table_info(?) ORDER BY cid", {table});
  EXPECT_TRUE(rows.has_value());
  std::vector<ColumnInfo> columns;
  for (const auto& row : rows.value_or(std::vector<SqlRow>{})) {
    std::string type = AsText(row[1]);
    columns.push_back({AsText(row[0]), type.find("INT") != std::string::npos, AsInt(row[2]) != 0});
  }
  return columns;
}

// Row `i` of `table`: the parent columns fixed, every other column distinct per row (so unique
// indexes hold), nullable columns NULL in every third row, texts with quotes, accents and lines.
SqlRow MakeRow(const std::string& table, const std::vector<ColumnInfo>& columns, int i) {
  SqlRow row;
  for (const auto& column : columns) {
    auto fixed = FixedColumns().find(column.name);
    auto parent = ParentIds().find(table);
    if (column.name == "id" && parent != ParentIds().end()) {
      row.emplace_back(parent->second);
    } else if (fixed != FixedColumns().end()) {
      row.emplace_back(fixed->second);
    } else if (!column.not_null && i % 3 == 2) {
      row.emplace_back(std::monostate{});
    } else if (column.integer) {
      row.emplace_back(int64_t{i} * 1000 + static_cast<int64_t>(column.name.size()));
    } else {
      row.emplace_back(fmt::format("{}-{:04} it's \"é\"\n", column.name, i));
    }
  }
  return row;
}

// Fills every copied table of a migrated SQLite database; returns the rows per table.
std::map<std::string, int64_t> FillEveryTable(SqlDatabase& db) {
  auto tables = ReadSqliteTables(db);
  EXPECT_TRUE(tables.has_value()) << tables.error().ToString();
  std::map<std::string, int64_t> counts;
  for (const auto& table : tables.value_or(std::vector<CopyTable>{})) {
    auto columns = ColumnsOf(db, table.name);
    // A parent, or a table whose key is all parent columns, has one row.
    bool single = ParentIds().count(table.name) > 0 ||
                  std::all_of(table.key.begin(), table.key.end(), [&](int position) {
                    return FixedColumns().count(table.columns[position]) > 0;
                  });
    int rows = single ? 1 : kRowsPerTable;
    std::vector<std::string> marks(columns.size(), "?");
    std::string sql = fmt::format("INSERT INTO {} VALUES ({})", table.name, fmt::join(marks, ","));
    for (int i = 0; i < rows; ++i) {
      auto inserted = db.Execute(sql, MakeRow(table.name, columns, i));
      EXPECT_TRUE(inserted.has_value()) << table.name << ": " << inserted.error().ToString();
    }
    counts[table.name] = rows;
  }
  return counts;
}

// Every row of `table` (the source's columns), sorted: the engines order text differently.
std::vector<SqlRow> AllRows(SqlDatabase& db, const CopyTable& table) {
  std::vector<std::string> quoted;
  for (const auto& column : table.columns) quoted.push_back(QuoteIdentifier(column));
  auto rows = db.Query(fmt::format("SELECT {} FROM {}", fmt::join(quoted, ", "), table.name));
  EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
  std::vector<SqlRow> sorted = rows.value_or(std::vector<SqlRow>{});
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

class RecordingObserver : public CopyObserver {
 public:
  void OnTableDone(const std::string& table, int64_t rows) override { done[table] = rows; }
  void OnBatch(const std::string&, int64_t, int64_t) override { ++batches; }
  std::map<std::string, int64_t> done;
  int batches = 0;
};

class DatabaseCopierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto source = TestDatabase::CreateMigrated(Backend::kSqlite, clock_);
    ASSERT_TRUE(source.has_value()) << source.error().ToString();
    source_ = std::move(*source);
    auto target = TestDatabase::Create(Backend::kPostgres, clock_);
    ASSERT_TRUE(target.has_value()) << target.error().ToString();
    target_ = std::move(*target);
    options_.batch_rows = kBatchRows;
  }

  Result<CopyReport> Copy() {
    return CopyDatabase(source(), target(), clock_, options_, observer_);
  }

  SqlDatabase& source() { return source_->db(); }
  SqlDatabase& target() { return target_->db(); }

  int64_t TargetRows(const std::string& table) {
    auto rows = target().Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
    return rows ? AsInt(rows->at(0).at(0)) : -1;
  }

  // Every copied table holds the same rows on both sides.
  void ExpectSameRows() {
    auto tables = ReadSqliteTables(source());
    ASSERT_TRUE(tables.has_value());
    for (const auto& table : *tables) {
      EXPECT_EQ(AllRows(source(), table), AllRows(target(), table)) << table.name;
    }
  }

  FakeClock clock_{1'767'225'600'000};
  CopyOptions options_;
  RecordingObserver observer_;
  std::unique_ptr<TestDatabase> source_;
  std::unique_ptr<TestDatabase> target_;
};

TEST_F(DatabaseCopierTest, CopiesEveryTableWithEqualCountsAndRows) {
  auto filled = FillEveryTable(source());
  ASSERT_GE(filled.size(), 17u);
  auto report = Copy();
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_FALSE(report->resumed);
  EXPECT_TRUE(report->Verified());
  ASSERT_EQ(report->counts.size(), filled.size());
  for (const auto& count : report->counts) {
    EXPECT_EQ(count.source_rows, filled[count.table]) << count.table;
    EXPECT_EQ(count.target_rows, filled[count.table]) << count.table;
    EXPECT_EQ(observer_.done[count.table], filled[count.table]) << count.table;
  }
  EXPECT_EQ(report->counts.front().table, "accounts");  // parents first
  EXPECT_GE(observer_.batches, 30);
  ExpectSameRows();
  auto progress = CopyProgressExists(target());
  ASSERT_TRUE(progress.has_value());
  EXPECT_FALSE(*progress) << "a verified copy drops its progress table";
  auto version = SchemaVersion(target());
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, AllMigrations().back().version);
}

TEST_F(DatabaseCopierTest, InterruptedCopyResumesToCompletionWithoutDuplicates) {
  FillEveryTable(source());
  int failures = 0;
  options_.before_commit_for_test = [&](const std::string& table, int64_t batch) -> Status {
    if (table == "slices" && batch == 2) {
      ++failures;
      return Status(ErrorCode::kServiceUnavailable, "", "lost the connection (injected)");
    }
    return Status::Ok();
  };
  auto first = Copy();
  ASSERT_FALSE(first.has_value());
  EXPECT_NE(first.error().detail().find("injected"), std::string::npos);
  EXPECT_EQ(TargetRows("slices"), kBatchRows) << "the first batch committed, the second not";
  EXPECT_EQ(TargetRows("accounts"), 1);

  options_.before_commit_for_test = nullptr;
  auto second = Copy();
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(failures, 1);
  EXPECT_TRUE(second->resumed);
  EXPECT_TRUE(second->Verified());
  EXPECT_EQ(TargetRows("slices"), kRowsPerTable);
  ExpectSameRows();
}

TEST_F(DatabaseCopierTest, ACopyWhoseConnectionIsCutBeforeACommitResumes) {
  FillEveryTable(source());
  bool cut = false;
  options_.before_commit_for_test = [&](const std::string& table, int64_t batch) -> Status {
    if (table == "slices" && batch == 2 && !cut) {
      cut = true;  // the server ends the connection that holds the batch's transaction
      return target_->Admin(fmt::format(
          "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '{}'",
          target_->name()));
    }
    return Status::Ok();
  };
  auto first = Copy();
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code(), ErrorCode::kServiceUnavailable) << first.error().ToString();
  EXPECT_NE(first.error().detail().find("Run it again"), std::string::npos);
  clock_.AdvanceMs(60'000);  // past the pool's reconnection backoff
  EXPECT_EQ(TargetRows("slices"), kBatchRows) << "the cut batch was rolled back";

  auto second = Copy();
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_TRUE(second->resumed);
  EXPECT_TRUE(second->Verified());
  ExpectSameRows();
}

TEST_F(DatabaseCopierTest, ACopyInterruptedInEveryTableFinishesOverSeveralRuns) {
  FillEveryTable(source());
  std::set<std::string> interrupted;
  options_.before_commit_for_test = [&](const std::string& table, int64_t batch) -> Status {
    if (batch == 2 && interrupted.insert(table).second) {
      return Status(ErrorCode::kInternalError, "", "killed (injected)");
    }
    return Status::Ok();
  };
  int runs = 0;
  Result<CopyReport> report = Copy();
  for (++runs; !report.has_value() && runs < 100; ++runs) report = Copy();
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_GE(runs, 10);
  EXPECT_TRUE(report->Verified());
  ExpectSameRows();
}

TEST_F(DatabaseCopierTest, RefusesATargetThatHoldsData) {
  FillEveryTable(source());
  ASSERT_TRUE(ApplyMigrations(target(), clock_).ok());
  ASSERT_TRUE(target()
                  .Execute("INSERT INTO accounts (id, name, created_at_ms) VALUES ('x', 'x', 1)")
                  .has_value());
  auto report = Copy();
  ASSERT_FALSE(report.has_value());
  EXPECT_NE(report.error().detail().find("not empty (table accounts has 1 rows)"),
            std::string::npos)
      << report.error().ToString();
  EXPECT_EQ(TargetRows("slices"), 0);
}

TEST_F(DatabaseCopierTest, RefusesToCopyAgainIntoAFinishedCopy) {
  FillEveryTable(source());
  ASSERT_TRUE(Copy().has_value());
  auto again = Copy();
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().detail().find("not empty"), std::string::npos);
  EXPECT_EQ(TargetRows("slices"), kRowsPerTable);
}

TEST_F(DatabaseCopierTest, RefusesToResumeWhenSomethingElseWroteToTheTarget) {
  FillEveryTable(source());
  options_.before_commit_for_test = [](const std::string& table, int64_t) -> Status {
    return table == "streams" ? Status(ErrorCode::kInternalError, "", "stop") : Status::Ok();
  };
  ASSERT_FALSE(Copy().has_value());
  ASSERT_TRUE(target()
                  .Execute("INSERT INTO accounts (id, name, created_at_ms) VALUES ('x', 'x', 1)")
                  .has_value());
  options_.before_commit_for_test = nullptr;
  auto report = Copy();
  ASSERT_FALSE(report.has_value());
  EXPECT_NE(report.error().detail().find("cannot resume: the target's table accounts has 2 rows"),
            std::string::npos)
      << report.error().ToString();
}

TEST_F(DatabaseCopierTest, RefusesASourceOfAnotherSchemaVersionAndSaysWhatToDo) {
  auto old_source = TestDatabase::Create(Backend::kSqlite, clock_);
  ASSERT_TRUE(old_source.has_value());
  // The migration before the last (numbers may have gaps while branches are merged).
  int older = AllMigrations().at(AllMigrations().size() - 2).version;
  int latest = AllMigrations().back().version;
  ASSERT_TRUE(ApplyMigrationsUpTo((*old_source)->db(), clock_, older).ok());
  auto report = CopyDatabase((*old_source)->db(), target(), clock_, options_, observer_);
  ASSERT_FALSE(report.has_value());
  EXPECT_NE(report.error().detail().find(fmt::format(
                "schema version {}, this liverec at {}: start this liverec once on the SQLite "
                "database",
                older, latest)),
            std::string::npos)
      << report.error().ToString();
  auto target_version = StoredSchemaVersion(target());
  ASSERT_TRUE(target_version.has_value());
  EXPECT_EQ(*target_version, 0) << "nothing was done to the target";
}

TEST_F(DatabaseCopierTest, SetsSequencesPastTheCopiedMaximum) {
  ASSERT_TRUE(source()
                  .ExecuteScript("CREATE TABLE copy_counter (id INTEGER PRIMARY KEY, note "
                                 "TEXT NOT NULL); INSERT INTO copy_counter VALUES (3, 'a'), "
                                 "(41, 'b');")
                  .ok());
  ASSERT_TRUE(ApplyMigrations(target(), clock_).ok());
  ASSERT_TRUE(target()
                  .ExecuteScript("CREATE TABLE copy_counter (id BIGINT GENERATED ALWAYS AS "
                                 "IDENTITY PRIMARY KEY, note TEXT NOT NULL);")
                  .ok());
  auto report = Copy();
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->sequences_set, 1);
  auto next = target().Query("INSERT INTO copy_counter (note) VALUES ('c') RETURNING id");
  ASSERT_TRUE(next.has_value()) << next.error().ToString();
  EXPECT_EQ(AsInt(next->at(0).at(0)), 42);
}

}  // namespace
}  // namespace liverec::metadata
