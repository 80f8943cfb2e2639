#include "recorder/spool.h"

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

SpoolSlice Slice() {
  SpoolSlice slice;
  slice.plan.stream_id = "stream-a";
  slice.plan.domain = "a.com";
  slice.plan.app = "live";
  slice.plan.stream = "s1";
  slice.plan.formats = {{"m3u8", "record/{AppName}/{StreamName}", 3600}};
  slice.id = "slice-1";
  slice.start_ms = 1000;
  slice.end_ms = 3000;
  slice.video_codec = "h264";
  slice.closed = true;
  slice.torn = true;
  slice.sequence = 7;
  return slice;
}

TEST(SpoolTest, ASidecarTextParsesBackToTheSliceItWasWrittenFrom) {
  auto parsed = Spool::ParseSidecar(ToJson(Slice()).dump());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(ToJson(*parsed), ToJson(Slice()));
}

TEST(SpoolTest, ASidecarThatIsNotWholeJsonOfASliceIsAnError) {
  std::string text = ToJson(Slice()).dump();
  auto torn = Spool::ParseSidecar(text.substr(0, text.size() / 2));
  ASSERT_FALSE(torn.has_value());
  EXPECT_NE(torn.error().Message().find("not JSON"), std::string::npos);
  auto wrong = Spool::ParseSidecar(R"({"id": "slice-1"})");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().Message().find("malformed"), std::string::npos);
}

// Recovery renames, truncates and removes the files a sidecar names (found by
// fuzz/spool_sidecar_fuzz.cc): names that lead out of the stream's folder are refused.
TEST(SpoolTest, ASidecarWhoseNamesAreNotPlainFileNamesIsRefused) {
  for (std::string id : {"../../etc/passwd", "a/b", "", ".", ".."}) {
    SpoolSlice slice = Slice();
    slice.id = id;
    auto parsed = Spool::ParseSidecar(ToJson(slice).dump());
    ASSERT_FALSE(parsed.has_value()) << "id " << id;
    EXPECT_NE(parsed.error().Message().find("plain"), std::string::npos)
        << parsed.error().Message();
  }
  for (std::string stream_id : {"../outside", "a/b", "", "..", "failed", "held", "orphans"}) {
    SpoolSlice slice = Slice();
    slice.plan.stream_id = stream_id;
    EXPECT_FALSE(Spool::ParseSidecar(ToJson(slice).dump()).has_value()) << "stream " << stream_id;
  }
}

// A number where an integer belongs is refused, not converted: a float beyond int64 (1e300) made
// the conversion undefined behaviour (found by fuzz/spool_sidecar_fuzz.cc, UBSan).
TEST(SpoolTest, ASidecarWithAFloatOrOutOfRangeIntegerIsRefused) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"start_ms", 1e300},
           {"end_ms", -1.3e111},
           {"width", int64_t{1} << 40},
           {"sequence", 2.5},
       }) {
    nlohmann::json json = ToJson(Slice());
    json[key] = value;
    auto parsed = Spool::ParseSidecar(json.dump());
    ASSERT_FALSE(parsed.has_value()) << key << " " << value.dump();
    EXPECT_NE(parsed.error().Message().find("malformed"), std::string::npos);
  }
  nlohmann::json plan = ToJson(Slice());
  plan["plan"]["delay_time_s"] = 1e300;
  EXPECT_FALSE(Spool::ParseSidecar(plan.dump()).has_value());
  plan = ToJson(Slice());
  plan["plan"]["time_zone_minutes"] = 1e30;
  EXPECT_FALSE(Spool::ParseSidecar(plan.dump()).has_value());
}

}  // namespace
}  // namespace liverec::recorder
