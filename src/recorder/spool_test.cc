#include "recorder/spool.h"
#include "testing/temp_dir.h"

#include <filesystem>
#include <fstream>

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

// The file-system work of a slice (docs/recording.md, "File-system work per slice"): each fsync
// durability needs, made once, and no folder made again for every file.
class SpoolFilesTest : public ::testing::Test {
 protected:
  SpoolFilesTest() : spool_((tmp_.path() / "spool").string()) {}

  SpoolSlice Open(const std::string& id) {
    SpoolSlice slice = Slice();
    slice.id = id;
    slice.closed = false;
    slice.torn = false;
    slice.sequence = -1;
    auto sink = spool_.OpenPart(slice);
    EXPECT_TRUE(sink.has_value()) << sink.error().ToString();
    if (!sink) return slice;
    std::vector<uint8_t> packet(188, 0x47);
    EXPECT_TRUE((*sink)->Write(packet).ok());
    EXPECT_TRUE((*sink)->Close().ok());
    EXPECT_TRUE(spool_.WriteSidecar(slice).ok());
    return slice;
  }
  int64_t Files() const { return spool_.SyncsForTest().files.load(); }
  int64_t Directories() const { return spool_.SyncsForTest().directories.load(); }

  liverec::testing::TempDir tmp_{"spool_files"};
  Spool spool_;
};

TEST_F(SpoolFilesTest, TheFirstSliceMakesTheFoldersAndFsyncsTheirParentsOnce) {
  Open("slice-1");
  EXPECT_TRUE(std::filesystem::exists(spool_.StreamDir("stream-a") + "/slice-1.ts.part"));
  // The spool root and the stream's folder are new: their parents are fsynced (2), then the
  // sidecar (1 file) and its folder (1).
  EXPECT_EQ(Files(), 1);
  EXPECT_EQ(Directories(), 3);
  Open("slice-2");  // the folders exist: only the sidecar and its folder
  EXPECT_EQ(Files(), 2);
  EXPECT_EQ(Directories(), 4);
}

TEST_F(SpoolFilesTest, ClosingASliceFsyncsItsFileItsSidecarAndItsFolderOnce) {
  SpoolSlice slice = Open("slice-1");
  int64_t files = Files(), directories = Directories();
  ASSERT_TRUE(spool_.CloseSlice(slice).ok());
  EXPECT_TRUE(slice.closed);
  EXPECT_EQ(Files() - files, 2);  // the .part before its rename, the sidecar's temporary file
  EXPECT_EQ(Directories() - directories, 1);  // both renames at once
  EXPECT_TRUE(std::filesystem::exists(spool_.ClosedPath(slice)));
  EXPECT_FALSE(std::filesystem::exists(spool_.PartPath(slice)));
  EXPECT_FALSE(std::filesystem::exists(spool_.SidecarPath(slice) + ".tmp"));
  auto sidecar = Spool::ReadSidecar(spool_.SidecarPath(slice));
  ASSERT_TRUE(sidecar.has_value());
  EXPECT_TRUE(sidecar->closed);
  spool_.Remove(slice);
  EXPECT_FALSE(std::filesystem::exists(spool_.ClosedPath(slice)));
  EXPECT_FALSE(std::filesystem::exists(spool_.SidecarPath(slice)));
}

TEST_F(SpoolFilesTest, HoldingMakesTheHeldFolderOnceAndFsyncsTheNewEntry) {
  SpoolSlice first = Open("slice-1");
  SpoolSlice second = Open("slice-2");
  ASSERT_TRUE(spool_.CloseSlice(first).ok());
  ASSERT_TRUE(spool_.CloseSlice(second).ok());
  int64_t directories = Directories();
  ASSERT_TRUE(spool_.Hold(first).ok());
  // held/ and held/stream-a are new: the root and held/ are fsynced, then held/stream-a.
  EXPECT_EQ(Directories() - directories, 3);
  ASSERT_TRUE(spool_.Hold(second).ok());
  EXPECT_EQ(Directories() - directories, 4);
  EXPECT_TRUE(std::filesystem::exists(spool_.HeldPath("stream-a", "slice-2")));
  EXPECT_FALSE(std::filesystem::exists(spool_.SidecarPath(second)));
  ASSERT_TRUE(spool_.Hold(second).ok());  // idempotent
  EXPECT_EQ(Directories() - directories, 4);
}

TEST_F(SpoolFilesTest, AStreamFolderRemovedMeanwhileIsMadeAgain) {
  Open("slice-1");
  std::filesystem::remove_all(spool_.StreamDir("stream-a"));
  SpoolSlice slice = Open("slice-2");
  EXPECT_TRUE(std::filesystem::exists(spool_.PartPath(slice)));
  EXPECT_TRUE(Spool::ReadSidecar(spool_.SidecarPath(slice)).has_value());
}

}  // namespace
}  // namespace liverec::recorder
