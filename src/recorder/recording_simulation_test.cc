// The DelayTime rules on the whole recording pipeline (recording_simulation.h), on a fake clock:
//  - randomised properties: formats, per-format SliceDuration and CycleDuration, DelayTime, GOPs,
//    gaps and publish lengths drawn from a seed (LIVEREC_SIMULATION_SEED=<n> replays one seed);
//  - a matrix: format subsets × slice layouts × gaps of 0, DelayTime − SliceDuration − 1,
//    DelayTime − 1 and DelayTime + 1 seconds.
// CycleDurations below the API's minimum of 300 s are used so that cycles fill within short
// simulated publishes; nothing in the recorder depends on that minimum.
#include <cstdlib>
#include <random>

#include "recorder/recording_simulation.h"

namespace liverec::recorder::simulation {
namespace {

SimCase RandomCase(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  SimCase c;
  c.delay_s = std::vector<int>{15, 20, 30, 45, 60, 180}[static_cast<size_t>(pick(0, 5))];
  c.gop_frames = std::vector<int>{10, 20, 40}[static_cast<size_t>(pick(0, 2))];
  const std::vector<std::string> all = {"m3u8", "mp4", "flv"};
  while (c.formats.empty()) {
    for (const auto& name : all) {
      if (pick(0, 1)) {
        int cycle = pick(0, 2) == 0 ? pick(40, 150) : 21600;
        c.formats.push_back({name, pick(5, 30), cycle});
      }
    }
  }
  int publishes = pick(2, 4);
  for (int i = 0; i < publishes; ++i) {
    int64_t gap = 0;
    if (i > 0) {
      // Anywhere in [0, 1.6 × DelayTime], but not within half a second of DelayTime itself.
      do {
        gap = pick(0, c.delay_s * 1600);
      } while (std::abs(gap - c.delay_s * 1000) < 500);
    }
    c.publishes.push_back({gap, pick(3'000, 70'000)});
  }
  return c;
}

class RecordingSimulationTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(RecordingSimulationTest, RandomCasesFollowTheDelayTimeRules) {
  uint32_t seed = GetParam();
  if (const char* fixed = std::getenv("LIVEREC_SIMULATION_SEED")) {
    seed = static_cast<uint32_t>(std::strtoul(fixed, nullptr, 10));
  }
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (uint32_t k = 0; k < 3; ++k) {
    SimCase c = RandomCase(seed * 3 + k);
    RecordingSimulation simulation(c);
    CheckOutcome(c, simulation.Run());
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RecordingSimulationTest, ::testing::Range<uint32_t>(1, 13));

struct MatrixRow {
  std::string name;
  std::vector<SimFormat> formats;
};

// Format subsets × slice layouts: the m3u8 SliceDuration wins when m3u8 is recorded, else the
// shortest one.
std::vector<MatrixRow> MatrixRows() {
  struct Layout {
    std::string name;
    int m3u8, mp4, flv;
  };
  const std::vector<Layout> layouts = {{"m3u8_10_others_30", 10, 30, 30},
                                       {"all_30", 30, 30, 30},
                                       {"m3u8_5_mp4_20_flv_15", 5, 20, 15}};
  const std::vector<std::vector<std::string>> subsets = {
      {"m3u8"}, {"mp4"}, {"flv"}, {"m3u8", "mp4"}, {"mp4", "flv"}, {"m3u8", "mp4", "flv"}};
  std::vector<MatrixRow> rows;
  for (const auto& subset : subsets) {
    for (const auto& layout : layouts) {
      MatrixRow row{"", {}};
      for (const auto& f : subset) {
        row.name += f + "_";
        int slice = f == "m3u8" ? layout.m3u8 : f == "mp4" ? layout.mp4 : layout.flv;
        row.formats.push_back({f, slice, 21600});
      }
      row.name += layout.name;
      rows.push_back(row);
    }
  }
  return rows;
}

void PrintTo(const MatrixRow& row, std::ostream* os) { *os << row.name; }

int EffectiveSliceSeconds(const std::vector<SimFormat>& formats) {
  int slice = 0;
  for (const auto& f : formats) {
    if (f.format == "m3u8") return f.slice_s;
    if (slice == 0 || f.slice_s < slice) slice = f.slice_s;
  }
  return slice;
}

class DelayTimeMatrixTest : public ::testing::TestWithParam<MatrixRow> {};

TEST_P(DelayTimeMatrixTest, AReturnWithinDelayTimeContinuesEveryFormatAndAfterItStartsAnew) {
  const MatrixRow& row = GetParam();
  const int slice = EffectiveSliceSeconds(row.formats);
  for (int delay : {15, 45}) {
    for (int gap : {0, delay - slice - 1, delay - 1, delay + 1}) {
      if (gap < 0) continue;
      SimCase c{
          row.formats, delay, 20, {{0, (2 * slice + 5) * 1000}, {gap * 1000, 2 * slice * 1000}}};
      RecordingSimulation simulation(c);
      SimOutcome out = simulation.Run();
      CheckOutcome(c, out);
      // And the plain reading of the rule: one file per format within DelayTime, two after it.
      for (const auto& f : row.formats) {
        size_t count = static_cast<size_t>(
            std::count_if(out.files.begin(), out.files.end(),
                          [&](const CreatedFile& file) { return file.format == f.format; }));
        EXPECT_EQ(count, gap < delay ? 1u : 2u)
            << f.format << ", DelayTime " << delay << " s, gap " << gap << " s";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, DelayTimeMatrixTest, ::testing::ValuesIn(MatrixRows()),
                         [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace liverec::recorder::simulation
