#include "metadata/copy/copy_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "base/clock.h"
#include "metadata/migrations.h"
#include "testing/test_database.h"

namespace liverec::metadata {
namespace {

std::vector<std::string> Names(const std::vector<CopyTable>& tables) {
  std::vector<std::string> names;
  for (const auto& table : tables) names.push_back(table.name);
  return names;
}

CopyTable Table(std::string name, std::vector<std::string> parents) {
  return {std::move(name), {"id"}, {0}, std::move(parents)};
}

TEST(CopySchemaTest, OrdersEveryTableAfterTheTablesItReferences) {
  auto ordered = OrderByDependencies(
      {Table("c", {"b"}), Table("b", {"a"}), Table("a", {}), Table("d", {"a", "outside"})});
  ASSERT_TRUE(ordered.has_value());
  EXPECT_EQ(Names(*ordered), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(CopySchemaTest, RefusesACycleOfForeignKeys) {
  auto ordered = OrderByDependencies({Table("a", {"b"}), Table("b", {"a"})});
  ASSERT_FALSE(ordered.has_value());
  EXPECT_NE(ordered.error().detail().find("cycle"), std::string::npos);
}

TEST(CopySchemaTest, QuotesIdentifiers) {
  EXPECT_EQ(QuoteIdentifier("slices"), "\"slices\"");
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
}

// The copier reads its tables from the schema: every table the migrations make on SQLite exists
// on PostgreSQL with the same columns, and SQLite's catalogue gives each a key and its parents.
TEST(CopySchemaTest, ReadsEveryMigratedTableWithItsKeyAndParents) {
  FakeClock clock(0);
  auto sqlite = testing::TestDatabase::CreateMigrated(testing::Backend::kSqlite, clock);
  ASSERT_TRUE(sqlite.has_value());
  auto postgres = testing::TestDatabase::CreateMigrated(testing::Backend::kPostgres, clock);
  ASSERT_TRUE(postgres.has_value()) << postgres.error().ToString();
  auto tables = ReadSqliteTables((*sqlite)->db());
  ASSERT_TRUE(tables.has_value()) << tables.error().ToString();
  auto on_postgres = ListPostgresTables((*postgres)->db());
  ASSERT_TRUE(on_postgres.has_value());
  auto names = Names(*tables);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, *on_postgres);
  EXPECT_EQ(std::count(names.begin(), names.end(), "schema_migrations"), 0);
  for (const auto& table : *tables) {
    auto columns = ListPostgresColumns((*postgres)->db(), table.name);
    ASSERT_TRUE(columns.has_value());
    std::set<std::string> a(table.columns.begin(), table.columns.end());
    std::set<std::string> b(columns->begin(), columns->end());
    EXPECT_EQ(a, b) << table.name;
  }
  auto slices = std::find_if(tables->begin(), tables->end(),
                             [](const CopyTable& t) { return t.name == "slices"; });
  ASSERT_NE(slices, tables->end());
  std::vector<std::string> key;
  for (int position : slices->key) key.push_back(slices->columns[position]);
  EXPECT_EQ(key, (std::vector<std::string>{"account_id", "stream_id", "start_ms"}));
  EXPECT_EQ(slices->parents, (std::vector<std::string>{"streams"}));
  auto sequences = ListPostgresSequenceColumns((*postgres)->db());
  ASSERT_TRUE(sequences.has_value());
  EXPECT_TRUE(sequences->empty()) << "ids are application-made; a new serial column is copied "
                                     "and its sequence set (DatabaseCopierTest)";
}

}  // namespace
}  // namespace liverec::metadata
