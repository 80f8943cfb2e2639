#include "metadata/record_config_repository.h"

#include <gtest/gtest.h>

#include "base/ids.h"
#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

class RecordConfigRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<RecordConfigRepository>(*db_);
  }

  RecordConfig MakeConfig(const std::string& account, const std::string& app,
                          const std::string& stream) {
    clock_.AdvanceMs(1000);
    RecordConfig c;
    c.account_id = account;
    c.id = NewId(clock_, random_);
    c.domain_name = "example.com";
    c.app_name = app;
    c.stream_name = stream;
    c.oss_endpoint = "local";
    c.oss_bucket = "records";
    c.formats = {{"m3u8", "p/{EscapedStartTime}_{EscapedEndTime}", "s/{UnixTimestamp}_{Sequence}",
                  21600, 30},
                 {"mp4", "m/{StartTime}_{EndTime}", "", 3600, 30}};
    c.transcode_templates = {"sd", "hd"};
    c.created_at_ms = c.updated_at_ms = clock_.NowMs();
    return c;
  }

  std::unique_ptr<RecordConfigRepository> repo_;
};

TEST_P(RecordConfigRepositoryTest, InsertedConfigIsFoundWithFormatsInOrder) {
  RecordConfig c = MakeConfig(account_a_, "live", "*");
  c.start_time_ms = 1;
  ASSERT_TRUE(repo_->Insert(c).ok());
  auto found = repo_->Find({account_a_, "example.com", "live", "*"});
  ASSERT_TRUE(found.has_value() && found->has_value());
  const RecordConfig& f = **found;
  EXPECT_EQ(f.id, c.id);
  ASSERT_EQ(f.formats.size(), 2u);
  EXPECT_EQ(f.formats[0].format, "m3u8");
  EXPECT_EQ(f.formats[0].slice_oss_object_prefix, "s/{UnixTimestamp}_{Sequence}");
  EXPECT_EQ(f.formats[1].cycle_duration_s, 3600);
  EXPECT_EQ(f.transcode_templates, (std::vector<std::string>{"sd", "hd"}));
  EXPECT_EQ(f.start_time_ms, 1);
  EXPECT_FALSE(f.end_time_ms.has_value());
}

TEST_P(RecordConfigRepositoryTest, SameTripletTwiceIsConfigAlreadyExistsButOtherAccountIsFree) {
  ASSERT_TRUE(repo_->Insert(MakeConfig(account_a_, "live", "")).ok());
  EXPECT_EQ(repo_->Insert(MakeConfig(account_a_, "live", "")).PublicCode(), "ConfigAlreadyExists");
  EXPECT_TRUE(repo_->Insert(MakeConfig(account_a_, "live", "*")).ok());
  EXPECT_TRUE(repo_->Insert(MakeConfig(account_b_, "live", "")).ok());
}

TEST_P(RecordConfigRepositoryTest, UpdateReplacesFieldsAndChildren) {
  RecordConfig c = MakeConfig(account_a_, "live", "s1");
  ASSERT_TRUE(repo_->Insert(c).ok());
  c.delay_time_s = 300;
  c.formats = {{"flv", "f/{StartTime}_{EndTime}", "", 900, 30}};
  c.transcode_templates.clear();
  ASSERT_TRUE(repo_->Update(c).ok());
  auto found = repo_->Find({account_a_, "example.com", "live", "s1"});
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->delay_time_s, 300);
  ASSERT_EQ((*found)->formats.size(), 1u);
  EXPECT_EQ((*found)->formats[0].format, "flv");
  EXPECT_TRUE((*found)->transcode_templates.empty());
}

TEST_P(RecordConfigRepositoryTest, DeleteRemovesOnlyTheExactTripletOfTheAccount) {
  ASSERT_TRUE(repo_->Insert(MakeConfig(account_a_, "live", "")).ok());
  ASSERT_TRUE(repo_->Insert(MakeConfig(account_a_, "live", "*")).ok());
  EXPECT_EQ(repo_->Delete({account_b_, "example.com", "live", ""}).PublicCode(),
            "InvalidConfig.NotFound");
  EXPECT_TRUE(repo_->Delete({account_a_, "example.com", "live", ""}).ok());
  EXPECT_EQ(repo_->Delete({account_a_, "example.com", "live", ""}).PublicCode(),
            "InvalidConfig.NotFound");
  EXPECT_TRUE(repo_->Find({account_a_, "example.com", "live", "*"})->has_value());
  auto children = db_->Query("SELECT COUNT(*) FROM record_formats", {});
  EXPECT_EQ(AsInt(children->front()[0]), 2);  // only the '*' config's two formats remain
}

TEST_P(RecordConfigRepositoryTest, ListPagesInCreationOrderBothWaysAndFilters) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(
        repo_
            ->Insert(MakeConfig(account_a_, "app" + std::to_string(i % 2), "s" + std::to_string(i)))
            .ok());
  }
  ASSERT_TRUE(repo_->Insert(MakeConfig(account_b_, "app0", "other")).ok());
  RecordConfigQuery q{account_a_, "example.com", std::nullopt, std::nullopt, 2, 5, true};
  auto page = repo_->List(q);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 7);
  ASSERT_EQ(page->configs.size(), 2u);
  EXPECT_EQ(page->configs[0].stream_name, "s5");
  EXPECT_EQ(page->configs[1].stream_name, "s6");

  q.page_num = 1;
  q.ascending = false;
  page = repo_->List(q);
  EXPECT_EQ(page->configs.front().stream_name, "s6");

  q.app_name = "app1";
  q.ascending = true;
  page = repo_->List(q);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(page->configs.front().stream_name, "s1");
}

LIVEREC_ON_BOTH_BACKENDS(RecordConfigRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
