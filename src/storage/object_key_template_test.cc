#include "storage/object_key_template.h"

#include <gtest/gtest.h>

namespace liverec::storage {
namespace {

TEST(ObjectKeyTemplateTest, RendersEveryVariableInUtc) {
  TemplateValues v{"live", "s1", 3, 1488985786000, 1488985840000};
  EXPECT_EQ(RenderObjectKey("r/{AppName}/{StreamName}/{Sequence}_{StartTime}_{EndTime}", v, ".flv"),
            "r/live/s1/3_2017-03-08-15:09:46_2017-03-08-15:10:40.flv");
  EXPECT_EQ(RenderObjectKey("{EscapedStartTime}_{EscapedEndTime}", v, ".mp4"),
            "2017-03-08-15-09-46_2017-03-08-15-10-40.mp4");
  EXPECT_EQ(RenderObjectKey("{UnixTimestamp}_{Sequence}", v, ".ts"), "1488985786_3.ts");
}

TEST(ObjectKeyTemplateTest, DisplayOffsetShiftsNamedTimesButNotUnixTimestamps) {
  TemplateValues v{"live", "s1", 0, 1488985786000, 1488985840000, 8 * 3600'000};
  EXPECT_EQ(RenderObjectKey("{StartTime}/{UnixTimestamp}", v, ".ts"),
            "2017-03-08-23:09:46/1488985786.ts");
}

TEST(ObjectKeyTemplateTest, IndexFileNamesUseDateAndClockParts) {
  TemplateValues v{"live", "s1", 0, 1488985786000, 1488985840000};
  EXPECT_EQ(RenderObjectKey("{AppName}/{StreamName}/{Date}/{Hour}/{Minute}_{Second}.m3u8", v, ""),
            "live/s1/2017-03-08/15/09_46.m3u8");
  EXPECT_EQ(
      CheckObjectTemplate("{AppName}/{Date}/{Hour}.m3u8", TemplateKind::kIndex, "live", "s1", ""),
      std::nullopt);
  EXPECT_TRUE(CheckObjectTemplate("{Sequence}.m3u8", TemplateKind::kIndex, "live", "s1", ""));
  EXPECT_TRUE(CheckObjectTemplate("../x.m3u8", TemplateKind::kIndex, "live", "s1", ""));
}

TEST(ObjectKeyTemplateTest, AcceptsTheDocumentedDefaults) {
  EXPECT_EQ(CheckObjectTemplate("record/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}",
                                TemplateKind::kRecord, "live", "*", ".m3u8"),
            std::nullopt);
  EXPECT_EQ(CheckObjectTemplate("record/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}",
                                TemplateKind::kSlice, "live", "", ".ts"),
            std::nullopt);
}

TEST(ObjectKeyTemplateTest, RefusesMissingAndUnknownVariables) {
  EXPECT_TRUE(CheckObjectTemplate("r/{AppName}", TemplateKind::kRecord, "a", "b", ".mp4"));
  EXPECT_TRUE(CheckObjectTemplate("r/{StartTime}", TemplateKind::kRecord, "a", "b", ".mp4"));
  EXPECT_TRUE(CheckObjectTemplate("r/{StartTime}_{EndTime}_{Foo}", TemplateKind::kRecord, "a", "b",
                                  ".mp4"));
  EXPECT_TRUE(CheckObjectTemplate("r/{UnixTimestamp}_{Sequence}_{StartTime}", TemplateKind::kSlice,
                                  "a", "b", ".ts"));
  EXPECT_TRUE(CheckObjectTemplate("r/{Sequence}", TemplateKind::kSlice, "a", "b", ".ts"));
  EXPECT_TRUE(
      CheckObjectTemplate("r/{StartTime_{EndTime}", TemplateKind::kRecord, "a", "b", ".ts"));
}

TEST(ObjectKeyTemplateTest, SnapshotTemplatesNeedTheirVariablesAndAJpgName) {
  using enum TemplateKind;
  EXPECT_FALSE(CheckObjectTemplate("{AppName}/{StreamName}.jpg", kSnapshotOverwrite, "*", "", ""));
  EXPECT_TRUE(CheckObjectTemplate("{AppName}/{Sequence}.jpg", kSnapshotOverwrite, "a", "", ""));
  EXPECT_TRUE(CheckObjectTemplate("{AppName}/{StreamName}.png", kSnapshotOverwrite, "a", "", ""));
  EXPECT_FALSE(CheckObjectTemplate("s/{AppName}/{StreamName}/{UnixTimestamp}.jpg",
                                   kSnapshotSequence, "a", "", ""));
  EXPECT_FALSE(
      CheckObjectTemplate("s/{StreamName}_{Sequence}.jpg", kSnapshotSequence, "a", "", ""));
  EXPECT_TRUE(CheckObjectTemplate("s/{AppName}/{StreamName}.jpg", kSnapshotSequence, "a", "", ""));
  EXPECT_TRUE(CheckObjectTemplate("s/{Date}/{Sequence}.jpg", kSnapshotSequence, "a", "", ""));
}

TEST(ObjectKeyTemplateTest, RefusesTemplatesThatRenderToBadKeys) {
  auto check = [](std::string_view t) {
    return CheckObjectTemplate(t, TemplateKind::kRecord, "live", "s", ".mp4");
  };
  EXPECT_TRUE(check("/abs/{StartTime}_{EndTime}"));
  EXPECT_TRUE(check("a/../{StartTime}_{EndTime}"));
  EXPECT_TRUE(check("a//{StartTime}_{EndTime}"));
  EXPECT_TRUE(check("a/\x01/{StartTime}_{EndTime}"));
  EXPECT_TRUE(check(std::string(220, 'x') + "/{StartTime}_{EndTime}"));
  EXPECT_FALSE(check("a b*~直播+x/{StartTime}_{EndTime}"));
}

TEST(ObjectKeyTemplateTest, CheckObjectKeyRules) {
  EXPECT_EQ(CheckObjectKey("a/b.ts"), std::nullopt);
  EXPECT_TRUE(CheckObjectKey(""));
  EXPECT_TRUE(CheckObjectKey("a/./b"));
  EXPECT_TRUE(CheckObjectKey("a/"));
  EXPECT_TRUE(CheckObjectKey(std::string(256, 'a')));
  EXPECT_EQ(CheckObjectKey(std::string(255, 'a')), std::nullopt);
}

}  // namespace
}  // namespace liverec::storage
