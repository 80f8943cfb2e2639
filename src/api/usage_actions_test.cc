// DescribeLiveDomainRecordUsageData called directly, over usage that two nodes' meters measured
// on a fake clock and wrote to an in-memory database (docs/api/usage.md): the peaks and durations
// per interval, the groups, the zeros, the defaults and every error.
#include <gtest/gtest.h>

#include "api/actions/actions.h"
#include "base/time_format.h"
#include "recorder/recording_usage_meter.h"
#include "testing/test_database.h"

namespace liverec::api {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kT0 = kNow - 3'600'000;    // when the recordings start
constexpr int64_t kDay = 86'400'000;
const auto kUsage = &actions::DescribeLiveDomainRecordUsageData;

class UsageActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    tenants_ = std::make_unique<metadata::TenantRepository>(*db_, clock_, random_);
    record_configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    usage_ = std::make_unique<metadata::RecordUsageRepository>(*db_);
    a_ = tenants_->EnsureAccount("default")->id;
    b_ = tenants_->EnsureAccount("b")->id;
    ASSERT_TRUE(
        tenants_->ReplaceDomains({{a_, "a.example.com", {}}, {b_, "b.example.com", {}}}).ok());
    deps_ = std::make_unique<ApiDependencies>(
        ApiDependencies{clock_, random_, *tenants_, *record_configs_, {}});
    deps_->record_usage = usage_.get();
    RecordOnTwoNodes();
  }

  // Node 1: s1 (M3U8 + MP4) [0 s, 150 s), s2 (M3U8) [90 s, 240 s); node 2: s3 (FLV)
  // [30 s, 60 s); all on a.example.com from kT0. Per minute, streams: peak 2 (90 s), 2 (90 s),
  // 2 (90 s), 1 (60 s), then nothing.
  void RecordOnTwoNodes() {
    FakeClock clock1(kT0), clock2(kT0);
    recorder::RecordingUsageMeter node1(clock1), node2(clock2);
    uint64_t s1 = node1.Begin({a_, "a.example.com", {"m3u8", "mp4"}});
    clock1.AdvanceMs(90'000);
    uint64_t s2 = node1.Begin({a_, "a.example.com", {"m3u8"}});
    clock1.AdvanceMs(60'000);
    node1.End(s1);
    clock1.AdvanceMs(90'000);
    node1.End(s2);
    clock1.AdvanceMs(60'000);
    ASSERT_TRUE(usage_->AddMinutes("node-1", node1.Collect()).ok());
    clock2.AdvanceMs(30'000);
    uint64_t s3 = node2.Begin({a_, "a.example.com", {"flv"}});
    clock2.AdvanceMs(30'000);
    node2.End(s3);
    ASSERT_TRUE(usage_->AddMinutes("node-2", node2.Collect()).ok());
  }

  Result<json> Call(ParamMap params, const std::string& account = "") {
    ActionContext context{*deps_, Caller{account.empty() ? a_ : account, "key"}, clock_.NowMs(),
                          "request-id"};
    return kUsage(context, Params(std::move(params)));
  }
  json Modules(ParamMap params) {
    auto r = Call(std::move(params));
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? (*r)["RecordUsageData"]["DataModule"] : json::array();
  }
  static std::string Code(const Result<json>& r) { return r ? "OK" : r.error().PublicCode(); }
  static std::vector<int64_t> Field(const json& modules, const char* name) {
    std::vector<int64_t> values;
    for (const auto& m : modules) values.push_back(m[name].get<int64_t>());
    return values;
  }

  FakeClock clock_{kNow};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::TenantRepository> tenants_;
  std::unique_ptr<metadata::RecordConfigRepository> record_configs_;
  std::unique_ptr<metadata::RecordUsageRepository> usage_;
  std::unique_ptr<ApiDependencies> deps_;
  std::string a_, b_;
};

ParamMap Range(int64_t start, int64_t end, ParamMap extra = {}) {
  extra["StartTime"] = FormatIsoUtc(start);
  extra["EndTime"] = FormatIsoUtc(end);
  return extra;
}

TEST_F(UsageActionsTest, EachMinuteCountsThePeakOverTheNodesAndTheSecondsRecorded) {
  json modules = Modules(Range(kT0, kT0 + 6 * 60'000, {{"Interval", "60"}, {"SplitBy", ""}}));
  ASSERT_EQ(modules.size(), 6u);
  EXPECT_EQ(Field(modules, "Count"), (std::vector<int64_t>{2, 2, 2, 1, 0, 0}));
  EXPECT_EQ(Field(modules, "Duration"), (std::vector<int64_t>{90, 90, 90, 60, 0, 0}));
  EXPECT_EQ(modules[0], (json{{"TimeStamp", "2025-12-31T23:00:00Z"},
                              {"Count", 2},
                              {"Duration", 90},
                              {"Region", "cn-shanghai"}}))
      << "no Domain or Type without SplitBy";
  EXPECT_EQ(modules[5]["TimeStamp"], "2025-12-31T23:05:00Z");
}

TEST_F(UsageActionsTest, AnIntervalsCountIsItsHighestMinuteAndEveryIntervalIsListed) {
  auto r = Call(Range(kT0 + 60'000, kT0 + 10 * 60'000, {{"Interval", "300"}, {"SplitBy", "null"}}));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ((*r)["StartTime"], "2025-12-31T23:01:00Z");
  EXPECT_EQ((*r)["EndTime"], "2025-12-31T23:10:00Z");
  json modules = (*r)["RecordUsageData"]["DataModule"];
  EXPECT_EQ(Field(modules, "Count"), (std::vector<int64_t>{2, 0})) << "whole intervals from 23:00";
  EXPECT_EQ(Field(modules, "Duration"), (std::vector<int64_t>{330, 0}));
}

TEST_F(UsageActionsTest, SplitByRecordFormatCountsEachFormatAndByDomainNamesIt) {
  json modules =
      Modules(Range(kT0, kT0 + 300'000, {{"Interval", "300"}, {"SplitBy", "record_fmt"}}));
  ASSERT_EQ(modules.size(), 3u);
  std::vector<std::string> types;
  for (const auto& m : modules) types.push_back(m["Type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"M3U8", "MP4", "FLV"}));
  EXPECT_EQ(Field(modules, "Count"), (std::vector<int64_t>{2, 1, 1}));
  EXPECT_EQ(Field(modules, "Duration"), (std::vector<int64_t>{300, 150, 30}));
  EXPECT_FALSE(modules[0].contains("Domain"));

  // The default SplitBy is domain,record_fmt; without DomainName, the caller's domains.
  modules = Modules(Range(kT0, kT0 + 600'000, {{"Interval", "300"}, {"Region", "cn-beijing"}}));
  ASSERT_EQ(modules.size(), 6u);
  EXPECT_EQ(modules[0]["Domain"], "a.example.com");
  EXPECT_EQ(modules[0]["Region"], "cn-beijing");
  EXPECT_EQ(Field(modules, "Count"), (std::vector<int64_t>{2, 1, 1, 0, 0, 0}));
  modules =
      Modules(Range(kT0, kT0 + 300'000, {{"DomainName", "a.example.com"}, {"SplitBy", "domain"}}));
  ASSERT_EQ(modules.size(), 1u);
  EXPECT_EQ(modules[0]["Domain"], "a.example.com");
  EXPECT_EQ(modules[0]["Count"], 2);
  EXPECT_FALSE(modules[0].contains("Type"));
}

TEST_F(UsageActionsTest, AnotherAccountSeesNoneOfIt) {
  auto r = Call(Range(kT0, kT0 + 300'000, {{"SplitBy", ""}}), b_);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(Field((*r)["RecordUsageData"]["DataModule"], "Count"), std::vector<int64_t>{0});
  EXPECT_EQ(Code(Call(Range(kT0, kT0 + 300'000, {{"DomainName", "a.example.com"}}), b_)),
            "InvalidDomain.NotFound");
}

TEST_F(UsageActionsTest, DefaultsAreTheLast24HoursInFiveMinutesAndTheIntervalFollowsTheRange) {
  auto r = Call({{"SplitBy", ""}});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ((*r)["StartTime"], "2025-12-31T00:00:00Z");
  EXPECT_EQ((*r)["EndTime"], "2026-01-01T00:00:00Z");
  json modules = (*r)["RecordUsageData"]["DataModule"];
  ASSERT_EQ(modules.size(), 288u);
  EXPECT_EQ(modules[276]["TimeStamp"], "2025-12-31T23:00:00Z");
  EXPECT_EQ(modules[276]["Count"], 2);
  // An Interval that is not one of the four is ignored; over 31 days the default is a day.
  EXPECT_EQ(Modules(Range(kNow - kDay, kNow, {{"Interval", "120"}, {"SplitBy", ""}})).size(), 288u);
  EXPECT_EQ(Modules(Range(kNow - 40 * kDay, kNow, {{"SplitBy", ""}})).size(), 40u);
  // Older than the 5-minute data: hours (up to 180 days), then days.
  EXPECT_EQ(Modules(Range(kNow - 100 * kDay, kNow - 99 * kDay, {{"SplitBy", ""}})).size(), 24u);
  EXPECT_EQ(Modules(Range(kNow - 200 * kDay, kNow - 199 * kDay, {{"SplitBy", ""}})).size(), 1u);
  // EndTime after now: only the intervals begun by now.
  EXPECT_EQ(
      Modules(Range(kNow - 3'600'000, kNow + 3'600'000, {{"Interval", "3600"}, {"SplitBy", ""}}))
          .size(),
      1u);
}

TEST_F(UsageActionsTest, EveryErrorHasItsCode) {
  auto code = [&](ParamMap params) { return Code(Call(std::move(params))); };
  EXPECT_EQ(code({{"StartTime", "yesterday"}}), "InvalidStartTime.Malformed");
  EXPECT_EQ(code({{"EndTime", "2026-13-01T00:00:00Z"}}), "InvalidEndTime.Malformed");
  EXPECT_EQ(code(Range(kT0, kT0)), "InvalidEndTime.Mismatch");
  EXPECT_EQ(code(Range(kNow - 2 * kDay, kNow, {{"Interval", "60"}})), "InvalidEndTime.Mismatch");
  EXPECT_EQ(code(Range(kNow - 32 * kDay, kNow, {{"Interval", "3600"}})), "InvalidEndTime.Mismatch");
  EXPECT_EQ(code(Range(kNow - 91 * kDay, kNow)), "InvalidEndTime.Mismatch");
  EXPECT_EQ(code(Range(kNow - 61 * kDay, kNow - 60 * kDay, {{"Interval", "300"}})),
            "InvalidStartTime.Mismatch");
  EXPECT_EQ(code(Range(kNow - 181 * kDay, kNow - 180 * kDay, {{"Interval", "3600"}})),
            "InvalidStartTime.Mismatch");
  EXPECT_EQ(code(Range(kNow - 367 * kDay, kNow - 366 * kDay)), "InvalidStartTime.Mismatch");
  EXPECT_EQ(code({{"SplitBy", "stream"}}), "InvalidParameter");
  EXPECT_EQ(code({{"DomainName", "bad_domain!"}}), "InvalidDomainName.Malformed");
  EXPECT_EQ(code({{"DomainName", "a.example.com,b.example.com"}}), "InvalidDomain.NotFound");
  EXPECT_EQ(code({{"DomainName", "undeclared.example.com"}}), "InvalidDomain.NotFound");
  EXPECT_EQ(code({{"Region", "mars-1"}}), "InvalidRegion.Malformed");
  EXPECT_EQ(code({{"DomainName", "a.example.com, a.example.com"}, {"Region", "cn-shenzhen"}}),
            "OK");
}

}  // namespace
}  // namespace liverec::api
