#include "recorder/recording_plan.h"

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

RecordingPlan PlanFor(std::string stream) {
  RecordingPlan plan;
  plan.app = "live";
  plan.stream = std::move(stream);
  plan.slice_template = "record/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}";
  plan.formats = {{"m3u8", "record/{AppName}/{StreamName}/{StartTime}_{EndTime}", 21600},
                  {"mp4", "record/{AppName}/{StreamName}/{StartTime}_{EndTime}", 3600}};
  return plan;
}

TEST(RecordingPlanKeysTest, ANameThatFitsEveryTemplateIsAccepted) {
  EXPECT_EQ(CheckPlanKeys(PlanFor("s1")), std::nullopt);
  EXPECT_EQ(CheckPlanKeys(PlanFor(std::string(150, 'L'))), std::nullopt);
}

TEST(RecordingPlanKeysTest, AStreamNameThatMakesKeysTooLongIsRefusedWithTheTemplateNamed) {
  // 255 characters are a valid stream name, but not inside these templates.
  auto problem = CheckPlanKeys(PlanFor(std::string(230, 'L')));
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("SliceOssObjectPrefix"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("256"), std::string::npos) << *problem;

  RecordingPlan mp4_only = PlanFor(std::string(200, 'L'));
  mp4_only.formats.erase(mp4_only.formats.begin());  // no slices stored: only the file names
  problem = CheckPlanKeys(mp4_only);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->rfind("mp4 file names", 0), 0u) << *problem;
}

TEST(RecordingPlanKeysTest, FileNamesAreCheckedWithTheWidestPartSuffixOfACycle) {
  // "record/live/" + stream + "/<19>_<19>" + "_p9999_99.mp4": 65 bytes beside the stream name.
  auto mp4_only = [](size_t length) {
    RecordingPlan plan = PlanFor(std::string(length, 'L'));
    plan.formats.erase(plan.formats.begin());
    return plan;
  };
  EXPECT_EQ(CheckPlanKeys(mp4_only(190)), std::nullopt);
  auto problem = CheckPlanKeys(mp4_only(191));  // would fit without the part's `_p9999`
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->rfind("mp4 file names", 0), 0u) << *problem;
}

}  // namespace
}  // namespace liverec::recorder
