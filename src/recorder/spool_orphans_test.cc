#include "recorder/spool_orphans.h"
#include "testing/temp_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

namespace fs = std::filesystem;

class SpoolOrphansTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path();
    spool_ = std::make_unique<Spool>(root_.string());
  }

  void Write(const std::string& relative, const std::string& content) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative, std::ios::binary) << content;
  }
  std::string Read(const std::string& relative) {
    std::ifstream in(root_ / relative, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  bool Exists(const std::string& relative) { return fs::exists(root_ / relative); }

  std::string Sidecar(const std::string& id, bool closed) {
    SpoolSlice slice;
    slice.plan.stream_id = "stream-a";
    slice.plan.domain = "a.com";
    slice.plan.app = "live";
    slice.plan.stream = "s1";
    slice.id = id;
    slice.start_ms = 1000;
    slice.end_ms = closed ? 3000 : 0;
    slice.closed = closed;
    return ToJson(slice).dump();
  }

  liverec::testing::TempDir tmp_{"spool_orphans"};
  fs::path root_;
  std::unique_ptr<Spool> spool_;
};

TEST_F(SpoolOrphansTest, AWholeTemporarySidecarIsTheNewestStateAndReplacesTheOldOne) {
  // Killed after the rename to .ts, before the closed sidecar was renamed into place.
  Write("stream-a/s1.ts", std::string(188 * 4, 'G'));
  Write("stream-a/s1.json", Sidecar("s1", false));
  Write("stream-a/s1.json.tmp", Sidecar("s1", true));
  // Killed after the part was created, before its sidecar was renamed into place.
  Write("stream-a/s2.ts.part", "");
  Write("stream-a/s2.json.tmp", Sidecar("s2", false));

  OrphanSweep sweep = SweepSpoolOrphans(*spool_);
  EXPECT_EQ(sweep.sidecars_restored, 2);
  EXPECT_EQ(sweep.temp_files_removed, 0);
  EXPECT_EQ(sweep.empty_parts_removed, 0);  // s2 has its sidecar again
  EXPECT_FALSE(Exists("stream-a/s1.json.tmp"));
  EXPECT_EQ(Read("stream-a/s1.json"), Sidecar("s1", true));
  EXPECT_EQ(Read("stream-a/s2.json"), Sidecar("s2", false));
  EXPECT_TRUE(Exists("stream-a/s2.ts.part"));
  auto slices = spool_->ScanSidecars();
  ASSERT_EQ(slices.size(), 2u);
}

TEST_F(SpoolOrphansTest, TornTemporaryFilesAreRemovedAndTheSidecarKept) {
  Write("stream-a/s1.ts.part", std::string(188, 'G'));
  Write("stream-a/s1.json", Sidecar("s1", false));
  Write("stream-a/s1.json.tmp", Sidecar("s1", true).substr(0, 20));  // cut short by the kill
  OrphanSweep sweep = SweepSpoolOrphans(*spool_);
  EXPECT_EQ(sweep.temp_files_removed, 1);
  EXPECT_EQ(sweep.sidecars_restored, 0);
  EXPECT_EQ(Read("stream-a/s1.json"), Sidecar("s1", false));
  EXPECT_TRUE(Exists("stream-a/s1.ts.part"));
}

TEST_F(SpoolOrphansTest, PartsWithoutASidecarAreRemovedWhenEmptyAndKeptAsideOtherwise) {
  Write("stream-a/empty.ts.part", "");
  Write("stream-a/full.ts.part", std::string(188 * 3, 'G'));
  Write("stream-b/lonely.json.tmp", "{\"trunc");
  OrphanSweep sweep = SweepSpoolOrphans(*spool_);
  EXPECT_EQ(sweep.empty_parts_removed, 1);
  EXPECT_EQ(sweep.parts_moved, 1);
  EXPECT_EQ(sweep.temp_files_removed, 1);
  EXPECT_FALSE(Exists("stream-a/empty.ts.part"));
  EXPECT_FALSE(Exists("stream-a/full.ts.part"));
  EXPECT_FALSE(Exists("stream-b/lonely.json.tmp"));
  EXPECT_EQ(Read("orphans/stream-a/full.ts.part"), std::string(188 * 3, 'G'));
  EXPECT_TRUE(spool_->ScanSidecars().empty());
}

TEST_F(SpoolOrphansTest, ReservedDirectoriesAreLeftAlone) {
  Write("held/stream-a/h1.ts", "held");
  Write("cycles/c1.m3u8.tmp", "#EXTM3U");
  Write("compose/c1_1.mp4", "mp4");
  Write("orphans/stream-a/old.ts.part", "kept");
  OrphanSweep sweep = SweepSpoolOrphans(*spool_);
  EXPECT_EQ(sweep.parts_moved + sweep.empty_parts_removed + sweep.temp_files_removed, 0);
  EXPECT_TRUE(Exists("cycles/c1.m3u8.tmp"));
  EXPECT_TRUE(Exists("orphans/stream-a/old.ts.part"));
}

TEST_F(SpoolOrphansTest, NoSpoolYetIsNothingToDo) {
  Spool missing((root_ / "not-there").string());
  OrphanSweep sweep = SweepSpoolOrphans(missing);
  EXPECT_EQ(sweep.parts_moved + sweep.sidecars_restored, 0);
}

}  // namespace
}  // namespace liverec::recorder
