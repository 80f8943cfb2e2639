#include "callbacks/callback_bodies.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace liverec::callbacks {
namespace {

TEST(CallbackBodiesTest, FileCreatedHasTheSpecFieldsAndTypes) {
  FileCreatedInfo file{"demo.aliyundoc.com",
                       "liveApp",
                       "liveStream",
                       "liveApp/liveStream/0_2017-03-08-23:09:46_2017-03-08-23:10:40.flv",
                       69'403,
                       1488985786'000,
                       1488985840'400,
                       {{"callback_args1", "value1"}, {"callback_myid", "1231389741"}}};
  std::string text = FileCreatedBody(file);
  EXPECT_EQ(text, R"({"domain":"demo.aliyundoc.com","app":"liveApp","stream":"liveStream",)"
                  R"("uri":"liveApp/liveStream/0_2017-03-08-23:09:46_2017-03-08-23:10:40.flv",)"
                  R"("duration":69.403,"start_time":1488985786,"stop_time":1488985840,)"
                  R"("push_args":{"callback_args1":"value1","callback_myid":"1231389741"}})");
  auto json = nlohmann::json::parse(text);
  EXPECT_TRUE(json["duration"].is_number_float());
  EXPECT_TRUE(json["start_time"].is_number_integer());
  EXPECT_FALSE(json.contains("event")) << "file_created has no event field";
}

TEST(CallbackBodiesTest, FileCreatedOmitsPushArgsWhenThereAreNone) {
  FileCreatedInfo file{"example.com", "live", "s1", "record/live/s1/a.m3u8", 5000, 0, 5000, {}};
  auto json = nlohmann::json::parse(FileCreatedBody(file));
  EXPECT_FALSE(json.contains("push_args"));
  EXPECT_EQ(json["duration"].get<double>(), 5.0);
  EXPECT_TRUE(json["duration"].is_number_float());
}

TEST(CallbackBodiesTest, PushArgsKeepOnlyCallbackArgumentsFirstValueWins) {
  QueryArgs query{{"vhost", "example.com"},     {"callback_a", "1"}, {"auth_key", "x"},
                  {"callback_b", "two words"},  {"callback_a", "2"}, {"Callback_c", "no"},
                  {"callback_", "empty-suffix"}};
  QueryArgs expected{
      {"callback_a", "1"}, {"callback_b", "two words"}, {"callback_", "empty-suffix"}};
  EXPECT_EQ(CallbackPushArgs(query), expected);
}

TEST(CallbackBodiesTest, PushArgsFromDecodedIngestArguments) {
  std::map<std::string, std::string> args{
      {"auth_key", "x"}, {"callback_z", "1"}, {"callback_a", "2"}};
  QueryArgs expected{{"callback_a", "2"}, {"callback_z", "1"}};
  EXPECT_EQ(CallbackPushArgs(args), expected);
}

TEST(CallbackBodiesTest, InvalidUtf8InPushArgsIsReplacedNotFatal) {
  FileCreatedInfo file{"example.com", "live", "s1", "k.flv",
                       1000,          0,      1000, {{"callback_x", std::string("\xff\xfe", 2)}}};
  auto json = nlohmann::json::parse(FileCreatedBody(file));
  EXPECT_TRUE(json["push_args"]["callback_x"].is_string());
}

TEST(CallbackBodiesTest, StatusEventsNameTheirEvent) {
  EXPECT_EQ(StatusEventBody("example.com", "live", "s1", RecordStatusEvent::kStarted),
            R"({"domain":"example.com","app":"live","stream":"s1","event":"record_started"})");
  EXPECT_EQ(
      nlohmann::json::parse(StatusEventBody("d", "a", "s", RecordStatusEvent::kPaused))["event"],
      "record_paused");
  EXPECT_EQ(StatusEventName(RecordStatusEvent::kResumed), "record_resumed");
}

TEST(CallbackBodiesTest, AnErrorEventSaysWhyAndOnlyItHasAReason) {
  EXPECT_EQ(
      StatusEventBody("d", "a", "s", RecordStatusEvent::kError, "the spool is full"),
      R"({"domain":"d","app":"a","stream":"s","event":"record_error","reason":"the spool is full"})");
  EXPECT_FALSE(
      nlohmann::json::parse(StatusEventBody("d", "a", "s", RecordStatusEvent::kStarted, "ignored"))
          .contains("reason"));
}

}  // namespace
}  // namespace liverec::callbacks
