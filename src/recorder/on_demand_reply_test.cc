#include "recorder/on_demand_reply.h"

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

std::vector<metadata::RecordFormat> Configured() {
  return {{"m3u8", "rec/{Sequence}_{EscapedStartTime}_{EscapedEndTime}",
           "s/{UnixTimestamp}_{Sequence}", 21600, 30},
          {"mp4", "rec/{EscapedStartTime}_{EscapedEndTime}", "", 3600, 0},
          {"flv", "rec/{EscapedStartTime}_{EscapedEndTime}", "", 3600, 0}};
}

std::vector<std::string> Names(const std::vector<metadata::RecordFormat>& formats) {
  std::vector<std::string> names;
  for (const auto& f : formats)
    names.push_back(f.format + ":" + std::to_string(f.cycle_duration_s));
  return names;
}

TEST(OnDemandReplyTest, TheSpecSampleParses) {
  auto reply = ParseOnDemandReply(R"({"ApiVersion": "1.0", "NeedRecord": true,
      "Interval": {"Mp4": 300, "Flv": 120, "M3U8": 180}, "Format": ["mp4", "flv"]})");
  ASSERT_TRUE(reply.has_value()) << reply.error().ToString();
  EXPECT_TRUE(reply->need_record);
  EXPECT_EQ(reply->interval_s,
            (std::map<std::string, int>{{"mp4", 300}, {"flv", 120}, {"m3u8", 180}}));
  ASSERT_TRUE(reply->formats.has_value());
  EXPECT_EQ(*reply->formats, (std::vector<std::string>{"mp4", "flv"}));
  EXPECT_EQ(Names(ApplyOnDemandReply(Configured(), *reply)),
            (std::vector<std::string>{"mp4:300", "flv:120"}));
}

TEST(OnDemandReplyTest, NeedRecordAloneKeepsEveryConfiguredFormatAndCycle) {
  auto reply = ParseOnDemandReply(R"({"NeedRecord": true})");
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(reply->formats.has_value());
  EXPECT_EQ(Names(ApplyOnDemandReply(Configured(), *reply)),
            (std::vector<std::string>{"m3u8:21600", "mp4:3600", "flv:3600"}));
  auto no = ParseOnDemandReply(R"({"NeedRecord": false, "Format": ["mp4"]})");
  ASSERT_TRUE(no.has_value());
  EXPECT_FALSE(no->need_record);
}

TEST(OnDemandReplyTest, FormatIsIntersectedWithTheConfigCaseInsensitively) {
  auto reply = ParseOnDemandReply(R"({"NeedRecord": true, "Format": ["MP4", "cmaf", "avi"]})");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Names(ApplyOnDemandReply(Configured(), *reply)),
            (std::vector<std::string>{"mp4:3600"}));
  // None of the returned formats is configured: nothing is recorded.
  reply = ParseOnDemandReply(R"({"NeedRecord": true, "Format": ["cmaf"]})");
  ASSERT_TRUE(reply.has_value());
  EXPECT_TRUE(ApplyOnDemandReply(Configured(), *reply).empty());
  reply = ParseOnDemandReply(R"({"NeedRecord": true, "Format": []})");
  ASSERT_TRUE(reply.has_value());
  EXPECT_TRUE(ApplyOnDemandReply(Configured(), *reply).empty());
}

TEST(OnDemandReplyTest, IntervalIsClampedToFiveSecondsToSixHours) {
  auto reply = ParseOnDemandReply(
      R"({"NeedRecord": true, "Interval": {"mp4": 1, "FLV": 99999, "m3u8": 12.6, "avi": 60}})");
  ASSERT_TRUE(reply.has_value()) << reply.error().ToString();
  EXPECT_EQ(Names(ApplyOnDemandReply(Configured(), *reply)),
            (std::vector<std::string>{"m3u8:13", "mp4:5", "flv:21600"}));
  reply = ParseOnDemandReply(R"({"NeedRecord": true, "Interval": {"Mp4": -40}})");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->interval_s.at("mp4"), 5);
}

TEST(OnDemandReplyTest, MalformedRepliesAreRefusedWithTheReason) {
  struct Case {
    const char* body;
    const char* reason;
  };
  for (const Case& c :
       {Case{"", "not a JSON object"}, Case{"not json", "not a JSON object"},
        Case{"[true]", "not a JSON object"}, Case{"{}", "NeedRecord is missing"},
        Case{R"({"NeedRecord": "true"})", "NeedRecord is not a boolean"},
        Case{R"({"NeedRecord": 1})", "NeedRecord is not a boolean"},
        Case{R"({"NeedRecord": true, "Interval": [300]})", "Interval is not an object"},
        Case{R"({"NeedRecord": true, "Interval": {"Mp4": "300"}})", "Interval.Mp4"},
        Case{R"({"NeedRecord": true, "Format": "mp4"})", "Format is not an array"},
        Case{R"({"NeedRecord": true, "Format": [4]})", "non-string"}}) {
    auto reply = ParseOnDemandReply(c.body);
    ASSERT_FALSE(reply.has_value()) << c.body;
    EXPECT_NE(reply.error().detail().find(c.reason), std::string::npos)
        << c.body << " -> " << reply.error().detail();
  }
}

TEST(OnDemandReplyTest, RepliesOverTwoKilobytesAreRefused) {
  std::string padding(kMaxOnDemandReplyBytes, ' ');
  std::string body = R"({"NeedRecord": true})";
  EXPECT_TRUE(ParseOnDemandReply(body + padding.substr(body.size())).has_value());
  auto reply = ParseOnDemandReply(body + padding);
  ASSERT_FALSE(reply.has_value());
  EXPECT_NE(reply.error().detail().find("2048"), std::string::npos);
}

}  // namespace
}  // namespace liverec::recorder
