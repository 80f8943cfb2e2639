#include "recorder/ingest_record_choice.h"

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

IngestRecordChoice Choice(const std::string& value) {
  return IngestAsksToRecord({{"record_config", value}, {"auth_key", "x"}});
}

TEST(IngestRecordChoiceTest, RecordsOnlyWhenTheUrlSaysNeedRecordTrue) {
  EXPECT_TRUE(Choice(R"({"NeedRecord": true})").record);
  EXPECT_TRUE(Choice(R"({"NeedRecord":"true","Other":1})").record);
  EXPECT_FALSE(Choice(R"({"NeedRecord": false})").record);
  EXPECT_FALSE(Choice(R"({"NeedRecord":"false"})").record);
  EXPECT_FALSE(IngestAsksToRecord({}).record);
  EXPECT_EQ(IngestAsksToRecord({}).reason, "the ingest URL has no record_config parameter");
}

TEST(IngestRecordChoiceTest, AnythingMalformedRecordsNothingAndSaysWhy) {
  for (const char* bad :
       {"", "true", "{", R"(["NeedRecord"])", R"({"needrecord":true})", R"({"NeedRecord":1})",
        R"({"NeedRecord":null})", "{\"NeedRecord\":tru}"}) {
    IngestRecordChoice c = Choice(bad);
    EXPECT_FALSE(c.record) << bad;
    EXPECT_FALSE(c.reason.empty()) << bad;
  }
}

}  // namespace
}  // namespace liverec::recorder
