#include "metadata/postgres/postgres_url.h"

#include <gtest/gtest.h>

namespace liverec::metadata {
namespace {

TEST(PostgresUrlTest, ThePasswordIsMaskedWhereverItIs) {
  EXPECT_EQ(MaskDatabaseUrl("postgresql://rec:s3cret@db:5432/liverec?sslmode=require"),
            "postgresql://rec:***@db:5432/liverec?sslmode=require");
  EXPECT_EQ(MaskDatabaseUrl("postgres://rec:p%40ss@db/liverec"), "postgres://rec:***@db/liverec");
  EXPECT_EQ(MaskDatabaseUrl("postgresql://db/liverec?user=rec&password=s3cret&sslmode=verify-full"),
            "postgresql://db/liverec?user=rec&password=***&sslmode=verify-full");
  EXPECT_EQ(MaskDatabaseUrl("postgresql://rec@db:5432/liverec"),
            "postgresql://rec@db:5432/liverec");
  EXPECT_EQ(MaskDatabaseUrl("postgresql://db"), "postgresql://db");
  EXPECT_EQ(MaskDatabaseUrl("host=db password=s3cret"), "(connection string)");
}

TEST(PostgresUrlTest, OnlyPostgresSchemesAreUrls) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://db/liverec"));
  EXPECT_TRUE(IsPostgresUrl("postgres://db/liverec"));
  EXPECT_FALSE(IsPostgresUrl("mysql://db/liverec"));
  EXPECT_FALSE(IsPostgresUrl("host=db"));
}

TEST(PostgresUrlTest, TheDatabaseNameIsReplacedAndTheParametersKept) {
  EXPECT_EQ(WithDatabaseName("postgresql://u:p@h:5432/postgres?sslmode=disable", "t1"),
            "postgresql://u:p@h:5432/t1?sslmode=disable");
  EXPECT_EQ(WithDatabaseName("postgresql://h:5432", "t1"), "postgresql://h:5432/t1");
  EXPECT_EQ(WithDatabaseName("postgresql://h?sslmode=disable", "t1"),
            "postgresql://h/t1?sslmode=disable");
}

TEST(PostgresUrlTest, PlaceholdersAreNumberedOutsideLiteralsAndComments) {
  int count = 0;
  EXPECT_EQ(
      NumberPlaceholders("SELECT a FROM t WHERE b = ? AND c LIKE ? ESCAPE '\\' LIMIT ?", &count),
      "SELECT a FROM t WHERE b = $1 AND c LIKE $2 ESCAPE '\\' LIMIT $3");
  EXPECT_EQ(count, 3);
  EXPECT_EQ(
      NumberPlaceholders("SELECT '?', 'it''s ?', \"odd?name\" -- why?\n, ? /* ? */, ?", &count),
      "SELECT '?', 'it''s ?', \"odd?name\" -- why?\n, $1 /* ? */, $2");
  EXPECT_EQ(count, 2);
  EXPECT_EQ(NumberPlaceholders("SELECT 1", &count), "SELECT 1");
  EXPECT_EQ(count, 0);
}

}  // namespace
}  // namespace liverec::metadata
