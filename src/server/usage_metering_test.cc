#include "server/usage_metering.h"

#include <gtest/gtest.h>

#include "testing/test_database.h"

namespace liverec::server {
namespace {

constexpr int64_t kT = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

std::vector<metadata::UsagePoint> Minutes(UsageMetering& usage, int64_t start, int64_t end) {
  metadata::UsageQuery q;
  q.account_id = "acct";
  q.interval_ms = 60'000;
  q.start_ms = start;
  q.end_ms = end;
  auto points = usage.repository().Query(q);
  EXPECT_TRUE(points.has_value()) << points.error().ToString();
  return points.value_or(std::vector<metadata::UsagePoint>{});
}

TEST(UsageMeteringTest, ASampleWritesTheNodesUsageAndAFailedOneIsWrittenWithTheNext) {
  FakeClock clock(kT);
  auto db = liverec::testing::OpenMigratedSqlite(clock);
  ASSERT_TRUE(db) << db.error().ToString();
  UsageMetering usage(**db, clock, "node-1");
  uint64_t id = usage.meter().Begin({"acct", "a.com", {"m3u8"}});
  clock.AdvanceMs(10'000);
  EXPECT_TRUE(usage.Sample());
  EXPECT_EQ(Minutes(usage, kT, kT + 60'000),
            (std::vector<metadata::UsagePoint>{{kT, "", "", 1, 10'000}}));

  // The database refuses the next write: the rows wait for the one after.
  ASSERT_TRUE((*db)->ExecuteScript("ALTER TABLE record_usage_minutes RENAME TO away;").ok());
  clock.AdvanceMs(60'000);
  EXPECT_FALSE(usage.Sample());
  ASSERT_TRUE((*db)->ExecuteScript("ALTER TABLE away RENAME TO record_usage_minutes;").ok());
  usage.meter().End(id);
  clock.AdvanceMs(5'000);
  EXPECT_TRUE(usage.Sample());
  EXPECT_EQ(Minutes(usage, kT, kT + 120'000),
            (std::vector<metadata::UsagePoint>{{kT, "", "", 1, 60'000},
                                               {kT + 60'000, "", "", 1, 10'000}}));
  EXPECT_TRUE(usage.Sample()) << "nothing left to write";
}

}  // namespace
}  // namespace liverec::server
