#include "metadata/record_usage_repository.h"

#include <gtest/gtest.h>

#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

constexpr int64_t kT = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kMin = kUsageMinuteMs;

class RecordUsageRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<RecordUsageRepository>(*db_);
  }

  UsageMinuteRow Row(int64_t minute, const std::string& domain, const std::string& fmt,
                     int64_t peak, int64_t seconds, const std::string& account = "") {
    return {minute, account.empty() ? account_a_ : account, domain, fmt, peak, seconds * 1000};
  }
  UsageQuery Q(int64_t interval_ms, int64_t start, int64_t end, bool split_domain = false,
               bool split_fmt = false) {
    UsageQuery q;
    q.account_id = account_a_;
    q.interval_ms = interval_ms;
    q.start_ms = start;
    q.end_ms = end;
    q.split_domain = split_domain;
    q.split_fmt = split_fmt;
    return q;
  }
  std::vector<UsagePoint> Run(const UsageQuery& q) {
    auto points = repo_->Query(q);
    EXPECT_TRUE(points.has_value()) << points.error().ToString();
    return points ? *points : std::vector<UsagePoint>{};
  }

  // Two nodes: in minute 0 node a records 2 streams of a.com (m3u8 + mp4 each) for the whole
  // minute, node b 1 stream of b.com (flv) for 30 s; in minute 1 node a records 1 stream of
  // a.com in m3u8 for the whole minute.
  void AddTwoNodes() {
    ASSERT_TRUE(
        repo_
            ->AddMinutes("node-a",
                         {Row(kT, "a.com", "", 2, 120), Row(kT, "a.com", "m3u8", 2, 120),
                          Row(kT, "a.com", "mp4", 2, 120), Row(kT + kMin, "a.com", "", 1, 60),
                          Row(kT + kMin, "a.com", "m3u8", 1, 60)})
            .ok());
    ASSERT_TRUE(
        repo_
            ->AddMinutes("node-b", {Row(kT, "b.com", "", 1, 30), Row(kT, "b.com", "flv", 1, 30),
                                    Row(kT, "z.com", "", 7, 420, account_b_)})
            .ok());
  }

  std::unique_ptr<RecordUsageRepository> repo_;
};

TEST_P(RecordUsageRepositoryTest, EachMinuteSumsTheNodesAndTheDomainsOfTheAccountOnly) {
  AddTwoNodes();
  EXPECT_EQ(Run(Q(kMin, kT, kT + 5 * kMin)),
            (std::vector<UsagePoint>{{kT, "", "", 3, 150'000}, {kT + kMin, "", "", 1, 60'000}}));
}

TEST_P(RecordUsageRepositoryTest, ANodeAddingToItsMinuteKeepsThePeakAndAddsTheDuration) {
  ASSERT_TRUE(repo_->AddMinutes("node-a", {Row(kT, "a.com", "", 3, 10)}).ok());
  ASSERT_TRUE(repo_->AddMinutes("node-a", {Row(kT, "a.com", "", 1, 20)}).ok());
  EXPECT_EQ(Run(Q(kMin, kT, kT + kMin)), (std::vector<UsagePoint>{{kT, "", "", 3, 30'000}}));
}

TEST_P(RecordUsageRepositoryTest, ABucketsCountIsItsHighestMinuteAndItsDurationTheSum) {
  AddTwoNodes();
  EXPECT_EQ(Run(Q(5 * kMin, kT, kT + 10 * kMin)),
            (std::vector<UsagePoint>{{kT, "", "", 3, 210'000}}));
}

TEST_P(RecordUsageRepositoryTest, SplitByDomainAndFormatAndTheDomainList) {
  AddTwoNodes();
  EXPECT_EQ(Run(Q(5 * kMin, kT, kT + 5 * kMin, true, false)),
            (std::vector<UsagePoint>{{kT, "a.com", "", 2, 180'000}, {kT, "b.com", "", 1, 30'000}}));
  EXPECT_EQ(
      Run(Q(5 * kMin, kT, kT + 5 * kMin, false, true)),
      (std::vector<UsagePoint>{
          {kT, "", "flv", 1, 30'000}, {kT, "", "m3u8", 2, 180'000}, {kT, "", "mp4", 2, 120'000}}));
  EXPECT_EQ(Run(Q(kMin, kT, kT + kMin, true, true)),
            (std::vector<UsagePoint>{{kT, "a.com", "m3u8", 2, 120'000},
                                     {kT, "a.com", "mp4", 2, 120'000},
                                     {kT, "b.com", "flv", 1, 30'000}}));
  UsageQuery only_b = Q(kMin, kT, kT + 5 * kMin);
  only_b.domains = {"b.com", "other.com"};
  EXPECT_EQ(Run(only_b), (std::vector<UsagePoint>{{kT, "", "", 1, 30'000}}));
  UsageQuery of_b = Q(kMin, kT, kT + 5 * kMin);
  of_b.account_id = account_b_;
  EXPECT_EQ(Run(of_b), (std::vector<UsagePoint>{{kT, "", "", 7, 420'000}}));
}

TEST_P(RecordUsageRepositoryTest, HoursAndDaysAreRolledUpOnceCompleteAndOutliveTheMinutes) {
  AddTwoNodes();
  ASSERT_TRUE(repo_->AddMinutes("node-a", {Row(kT + 61 * kMin, "a.com", "", 4, 240)}).ok());
  // Before the hour (and its grace) is over nothing is rolled up; queries read the minutes.
  auto early = repo_->RollUp(kT + 62 * kMin);
  ASSERT_TRUE(early.has_value()) << early.error().ToString();
  EXPECT_EQ(early->hours_until_ms, kT);
  const std::vector<UsagePoint> hourly = {{kT, "", "", 3, 210'000},
                                          {kT + kUsageHourMs, "", "", 4, 240'000}};
  EXPECT_EQ(Run(Q(kUsageHourMs, kT, kT + 2 * kUsageHourMs)), hourly);

  auto rolled = repo_->RollUp(kT + kUsageDayMs + 6 * kMin);
  ASSERT_TRUE(rolled.has_value()) << rolled.error().ToString();
  EXPECT_EQ(rolled->hours_until_ms, kT + kUsageDayMs);
  EXPECT_EQ(rolled->days_until_ms, kT + kUsageDayMs);
  EXPECT_EQ(Run(Q(kUsageHourMs, kT, kT + 2 * kUsageHourMs)), hourly) << "from the roll-ups";
  EXPECT_EQ(Run(Q(kUsageHourMs, kT, kT + 2 * kUsageHourMs, true, true)),
            (std::vector<UsagePoint>{{kT, "a.com", "m3u8", 2, 180'000},
                                     {kT, "a.com", "mp4", 2, 120'000},
                                     {kT, "b.com", "flv", 1, 30'000}}));
  EXPECT_EQ(Run(Q(kUsageDayMs, kT, kT + kUsageDayMs)),
            (std::vector<UsagePoint>{{kT, "", "", 4, 450'000}}));
  EXPECT_EQ(repo_->RollUp(kT + kUsageDayMs + 7 * kMin)->hours_until_ms, kT + kUsageDayMs)
      << "idempotent";
  EXPECT_EQ(Run(Q(kUsageDayMs, kT, kT + kUsageDayMs)),
            (std::vector<UsagePoint>{{kT, "", "", 4, 450'000}}));

  // 61 days on: the minutes are gone, the hours and days stay.
  auto purged = repo_->Purge(kT + 61 * kUsageDayMs);
  ASSERT_TRUE(purged.has_value());
  EXPECT_EQ(purged->minutes, 9);
  EXPECT_EQ(purged->rollups, 0);
  EXPECT_EQ(Run(Q(kMin, kT, kT + 2 * kUsageHourMs)), std::vector<UsagePoint>{});
  EXPECT_EQ(Run(Q(kUsageHourMs, kT, kT + 2 * kUsageHourMs)), hourly);
  // Past 180 days the hours go, past 366 days the days.
  EXPECT_GT(repo_->Purge(kT + 181 * kUsageDayMs)->rollups, 0);
  EXPECT_EQ(Run(Q(kUsageHourMs, kT, kT + 2 * kUsageHourMs)), std::vector<UsagePoint>{});
  EXPECT_EQ(Run(Q(kUsageDayMs, kT, kT + kUsageDayMs)).size(), 1u);
  EXPECT_GT(repo_->Purge(kT + 367 * kUsageDayMs)->rollups, 0);
  EXPECT_EQ(Run(Q(kUsageDayMs, kT, kT + kUsageDayMs)), std::vector<UsagePoint>{});
}

LIVEREC_ON_BOTH_BACKENDS(RecordUsageRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
