// Test support (not part of the library): the whole recording pipeline of one stream on a fake
// clock — Recorder::OnPublish → LiveRecording → StreamRecorder → the stream's lane →
// SliceFinisher → CycleManager — over a migrated in-memory SQLite database, a local bucket and a
// spool in a temp dir. Real media (an FLV made by ffmpeg, replayed through the FLV tag parser as
// RTMP ingest would, looped to any length) is pushed in real time on the fake clock; the lanes
// run inline, so each slice is finished when it closes; the DelayTime sweep
// (CycleManager::CloseExpired) ticks every simulated second, as the server's timer does.
// Run() plays publishes separated by gaps and returns every file and status event; CheckOutcome
// is the oracle of the DelayTime rules (docs/recording.md, "Interruptions"): a return within
// DelayTime continues every format's files, a return after it starts new ones, a file is split
// only where its CycleDuration is reached, nothing recorded is missing, and "resumed" is said
// exactly when files continue.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/random.h"
#include "media/ts/ts_test_support.h"
#include "metadata/index_file_repository.h"
#include "metadata/migrations.h"
#include "metadata/record_config_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"
#include "recorder/cycle_manager.h"
#include "recorder/recorder.h"
#include "recorder/recorder_metrics.h"
#include "storage/local/local_object_store.h"

namespace liverec::recorder {

inline void PrintTo(RecordingStatus status, std::ostream* os) {
  static const char* const kNames[] = {"started", "paused", "resumed", "error"};
  *os << kNames[static_cast<int>(status)];
}

}  // namespace liverec::recorder

namespace liverec::recorder::simulation {

using media::ts::test_support::Media;

// An FLV of `seconds` of 160x120 video at 10 fps with a keyframe every `gop_frames` frames
// (no B-frames) and AAC audio, made once per machine and reused (tests run in many processes).
inline const Media& SimulationMedia(int gop_frames, int seconds = 20) {
  static std::map<int, Media>* cache = new std::map<int, Media>();
  auto it = cache->find(gop_frames);
  if (it != cache->end()) return it->second;
  namespace fs = std::filesystem;
  std::string path =
      (fs::temp_directory_path() / ("liverec_simulation_g" + std::to_string(gop_frames) + "_" +
                                    std::to_string(seconds) + ".flv"))
          .string();
  if (!fs::exists(path)) {
    std::string tmp = path + "." + std::to_string(::getpid());
    std::string command =
        "ffmpeg -v error -y -f lavfi -i testsrc2=size=160x120:rate=10 -f lavfi -i "
        "sine=frequency=440:sample_rate=16000 -t " +
        std::to_string(seconds) + " -pix_fmt yuv420p -c:v libx264 -preset ultrafast -g " +
        std::to_string(gop_frames) + " -keyint_min " + std::to_string(gop_frames) +
        " -sc_threshold 0 -bf 0 -c:a aac -ac 1 -f flv '" + tmp + "'";
    EXPECT_EQ(media::ts::test_support::RunCommand(command), 0) << command;
    std::error_code ec;
    fs::rename(tmp, path, ec);  // atomic: another process may have made it meanwhile
  }
  Media media = media::ts::test_support::ReadFlvMedia(path);
  EXPECT_FALSE(media.packets.empty()) << path;
  return cache->emplace(gop_frames, std::move(media)).first->second;
}

struct SimFormat {
  std::string format;   // m3u8 | mp4 | flv
  int slice_s = 30;     // SliceDuration
  int cycle_s = 21600;  // CycleDuration
};

struct SimPublish {
  int64_t gap_before_ms = 0;  // since the previous publisher left (ignored for the first)
  int64_t length_ms = 0;
};

struct SimCase {
  std::vector<SimFormat> formats;
  int delay_s = 180;
  int gop_frames = 20;
  std::vector<SimPublish> publishes;
  // A hostile publisher: the video configuration given with every packet alternates between the
  // media's own and a copy declaring another picture size (a new sequence header every packet).
  bool flip_video_config = false;
  // A publisher that changes its picture size once: from this media time on (ms into the
  // publish), every packet comes with that other configuration. Negative: never.
  int64_t change_video_config_at_ms = -1;
  // A full disk: from and until these media times (ms into the first publish), every write into
  // the spool's slice files fails with ENOSPC. Negative: never.
  int64_t disk_full_from_ms = -1;
  int64_t disk_full_until_ms = -1;
};

struct SimOutcome {
  struct Range {
    int64_t start_ms = 0;  // the first packet of the publish
    int64_t end_ms = 0;    // its publisher left
  };
  std::vector<Range> publishes;
  std::vector<CreatedFile> files;  // in the order they were announced
  std::vector<RecordingStatus> statuses;
  size_t open_cycles_at_end = 0;
  size_t slices_stored = 0;                    // TS slices in the bucket (m3u8)
  int64_t slices_stored_ms = 0;                // their duration, per the slice index
  uint64_t config_change_packets_dropped = 0;  // liverec_config_change_packets_dropped_total
  uint64_t slices_cut_short = 0;               // liverec_slices_cut_short_total
  uint64_t slices_lost = 0;                    // liverec_slices_lost_total
  std::vector<metadata::SliceRow> slice_rows;  // the stored slices, in time order
  bool spool_trouble_seen = false;             // SpoolHealth reported trouble during the run
  std::vector<std::string> playlists;          // the m3u8 files' text, in announcement order
};

class CollectingEvents final : public RecordingEvents {
 public:
  Status FileCreated(const CreatedFile& file) override {
    files.push_back(file);
    return Status::Ok();
  }
  void StatusChanged(const StatusChange& change) override { statuses.push_back(change.status); }
  std::vector<CreatedFile> files;
  std::vector<RecordingStatus> statuses;
};

// One stream recorded by one Recorder; a new instance per case.
class RecordingSimulation {
 public:
  explicit RecordingSimulation(const SimCase& c) : case_(c) {
    static std::atomic<int> counter{0};
    dir_ = (std::filesystem::temp_directory_path() /
            ("liverec_sim_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
               .string();
    std::filesystem::remove_all(dir_);
    db_ = std::move(*metadata::SqliteDatabase::Open(":memory:"));
    EXPECT_TRUE(metadata::ApplyMigrations(*db_, clock_).ok());
    account_ = metadata::TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
    recordings_ = std::make_unique<metadata::RecordingRepository>(*db_, clock_, random_);
    index_files_ = std::make_unique<metadata::IndexFileRepository>(*db_);
    configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    store_ = std::make_unique<storage::LocalObjectStore>(dir_ + "/bucket");
    spool_ = std::make_unique<Spool>(dir_ + "/spool");
    auto stores = [this](const std::string&, const std::string&) { return store_.get(); };
    cycles_ = std::make_unique<CycleManager>(*recordings_, stores, *spool_, clock_, random_,
                                             index_files_.get(), &events_);
    EXPECT_TRUE(configs_->Insert(Config()).ok());
    auto inline_serial = [] { return SerialPost([](std::function<void()> task) { task(); }); };
    RecorderDependencies deps{*configs_, *recordings_, *cycles_, *spool_,
                              stores,    clock_,       random_,  inline_serial};
    deps.metrics = &metrics_;
    recorder_ = std::make_unique<Recorder>(std::move(deps));
  }
  ~RecordingSimulation() {
    recorder_.reset();
    std::filesystem::remove_all(dir_);
  }

  SimOutcome Run() {
    const Media& media = SimulationMedia(case_.gop_frames);
    SimOutcome outcome;
    next_sweep_ms_ = clock_.NowMs() + 1000;
    for (size_t i = 0; i < case_.publishes.size(); ++i) {
      if (i > 0) Tick(clock_.NowMs() + case_.publishes[i].gap_before_ms);
      publish_index_ = i;
      outcome.publishes.push_back(Publish(media, case_.publishes[i].length_ms));
    }
    // Past DelayTime: every file closes.
    Tick(clock_.NowMs() + case_.delay_s * 1000 + 2000);
    outcome.files = events_.files;
    for (const auto& file : events_.files) {
      if (file.format != "m3u8") continue;
      std::ifstream in(dir_ + "/bucket/" + file.object_key);
      outcome.playlists.emplace_back(std::istreambuf_iterator<char>(in),
                                     std::istreambuf_iterator<char>());
    }
    outcome.statuses = events_.statuses;
    auto open = recordings_->ListOpenCycles();
    outcome.open_cycles_at_end = open ? open->size() : 99;
    auto stream = recordings_->EnsureStream(account_, "a.com", "live", "s1");
    auto slices =
        recordings_->ListStreamSlices(account_, stream->id, 0, clock_.NowMs() + 86'400'000);
    EXPECT_TRUE(slices.has_value());
    for (const auto& slice : slices ? *slices : std::vector<metadata::SliceRow>{}) {
      ++outcome.slices_stored;
      outcome.slices_stored_ms += slice.duration_ms;
      outcome.slice_rows.push_back(slice);
    }
    outcome.config_change_packets_dropped = metrics_.ConfigChangePacketsDropped();
    outcome.slices_cut_short = metrics_.SlicesCutShort();
    outcome.slices_lost = metrics_.SlicesLost();
    outcome.spool_trouble_seen = spool_trouble_seen_;
    return outcome;
  }

 private:
  metadata::RecordConfig Config() const {
    metadata::RecordConfig config;
    config.account_id = account_;
    config.id = "cfg";
    config.domain_name = "a.com";
    config.app_name = "live";
    config.stream_name = "*";
    config.oss_endpoint = "local";
    config.oss_bucket = "records";
    config.delay_time_s = case_.delay_s;
    for (const auto& f : case_.formats) {
      config.formats.push_back({f.format, f.format + "/{StreamName}/{Sequence}",
                                f.format == "m3u8" ? "rec/{StreamName}/{Sequence}" : "", f.cycle_s,
                                f.slice_s});
    }
    return config;
  }

  // Advances the clock to `to_ms`, sweeping at every whole simulated second on the way.
  void Tick(int64_t to_ms) {
    while (next_sweep_ms_ <= to_ms) {
      clock_.SetMs(next_sweep_ms_);
      Status swept = cycles_->CloseExpired();
      EXPECT_TRUE(swept.ok()) << swept.ToString();
      next_sweep_ms_ += 1000;
    }
    clock_.SetMs(std::max(clock_.NowMs(), to_ms));
  }

  // One publish of `length_ms` of `media` (looped), pushed in real time from now.
  SimOutcome::Range Publish(const Media& media, int64_t length_ms) {
    ingest::PublishInfo info;
    info.identity.domain = "a.com";
    info.identity.app = "live";
    info.identity.stream = "s1";
    info.account_id = account_;
    info.peer = "127.0.0.1:1";
    int64_t start = clock_.NowMs();
    auto observer = recorder_->OnPublish(info);
    EXPECT_NE(observer, nullptr);
    const int64_t first_dts = media.packets.front().dts_ms;
    const int64_t loop_ms = media.packets.back().dts_ms - first_dts + 100;  // + one frame
    std::optional<media::CodecConfig> flipped = media.video;
    if (flipped) flipped->width += 16;
    int64_t last = 0;
    int64_t sent = 0;
    for (int64_t loop = 0; observer; ++loop) {
      for (media::MediaPacket packet : media.packets) {
        int64_t at = packet.dts_ms - first_dts + loop * loop_ms;
        if (at >= length_ms) {
          Tick(start + last + 100);  // the end of the last frame: the publisher leaves
          observer->OnEnd();
          SimOutcome::Range range{start, clock_.NowMs()};
          observer.reset();
          return range;
        }
        Tick(start + at);
        packet.dts_ms += loop * loop_ms;
        packet.pts_ms += loop * loop_ms;
        bool flip = (case_.flip_video_config && sent++ % 2 == 1) ||
                    (case_.change_video_config_at_ms >= 0 && at >= case_.change_video_config_at_ms);
        spool_->FailPartWritesForTest(publish_index_ == 0 && at >= case_.disk_full_from_ms &&
                                      at < case_.disk_full_until_ms);
        observer->OnMedia(packet, flip ? flipped : media.video, media.audio);
        spool_trouble_seen_ = spool_trouble_seen_ || spool_->health().Trouble(clock_.NowMs());
        last = at;
      }
    }
    return {start, start};
  }

  SimCase case_;
  std::string dir_;
  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  std::unique_ptr<metadata::SqliteDatabase> db_;
  std::unique_ptr<metadata::RecordingRepository> recordings_;
  std::unique_ptr<metadata::IndexFileRepository> index_files_;
  std::unique_ptr<metadata::RecordConfigRepository> configs_;
  std::unique_ptr<storage::LocalObjectStore> store_;
  std::unique_ptr<Spool> spool_;
  CollectingEvents events_;
  metrics::MetricRegistry registry_;
  RecorderMetrics metrics_{registry_};
  std::unique_ptr<CycleManager> cycles_;
  std::unique_ptr<Recorder> recorder_;
  std::string account_;
  int64_t next_sweep_ms_ = 0;
  size_t publish_index_ = 0;
  bool spool_trouble_seen_ = false;
};

inline std::string Describe(const SimCase& c) {
  std::string s = "DelayTime " + std::to_string(c.delay_s) + " s, GOP " +
                  std::to_string(c.gop_frames * 100) + " ms, formats";
  for (const auto& f : c.formats) {
    s += " " + f.format + "(slice " + std::to_string(f.slice_s) + " s, cycle " +
         std::to_string(f.cycle_s) + " s)";
  }
  s += ", publishes";
  for (size_t i = 0; i < c.publishes.size(); ++i) {
    if (i > 0) s += " gap " + std::to_string(c.publishes[i].gap_before_ms) + " ms";
    s += " [" + std::to_string(c.publishes[i].length_ms) + " ms]";
  }
  return s;
}

// The oracle. Publishes form groups: a gap shorter than DelayTime keeps the next publish in its
// group. Every file lies within one group; per format, a group's files follow each other only
// where the CycleDuration was reached; together they hold all of the group's media; the status
// events are started/resumed then paused per publish, "resumed" exactly when a file continues
// from the previous publish; and no cycle is left open.
inline void CheckOutcome(const SimCase& c, const SimOutcome& out) {
  SCOPED_TRACE(Describe(c));
  const size_t n = c.publishes.size();
  ASSERT_EQ(out.publishes.size(), n);
  std::vector<int> group(n, 0);
  for (size_t i = 1; i < n; ++i) {
    group[i] = group[i - 1] + (c.publishes[i].gap_before_ms >= c.delay_s * 1000 ? 1 : 0);
  }
  auto overlaps = [&](const CreatedFile& f, size_t p) {
    return f.start_ms < out.publishes[p].end_ms && f.end_ms > out.publishes[p].start_ms;
  };
  EXPECT_EQ(out.open_cycles_at_end, 0u);
  for (const auto& sf : c.formats) {
    SCOPED_TRACE("format " + sf.format);
    std::vector<CreatedFile> files;
    for (const auto& f : out.files) {
      if (f.format == sf.format) files.push_back(f);
    }
    std::sort(files.begin(), files.end(),
              [](const CreatedFile& a, const CreatedFile& b) { return a.start_ms < b.start_ms; });
    ASSERT_FALSE(files.empty());
    std::vector<int> file_group(files.size(), -1);
    for (size_t k = 0; k < files.size(); ++k) {
      for (size_t p = 0; p < n; ++p) {
        if (!overlaps(files[k], p)) continue;
        EXPECT_TRUE(file_group[k] < 0 || file_group[k] == group[p])
            << files[k].object_key << " spans publishes " << p << " and one of another group "
            << "(a return after DelayTime continued a file)";
        file_group[k] = group[p];
      }
      EXPECT_GE(file_group[k], 0) << files[k].object_key << " overlaps no publish";
    }
    for (size_t k = 1; k < files.size(); ++k) {
      if (file_group[k] != file_group[k - 1]) continue;
      EXPECT_GE(files[k].start_ms - files[k - 1].start_ms, int64_t{sf.cycle_s} * 1000)
          << files[k].object_key << " begins a new file within DelayTime of the previous "
          << "publish, before the CycleDuration of " << files[k - 1].object_key << " was reached";
    }
    for (int g = 0; g <= group[n - 1]; ++g) {
      int64_t pushed = 0;
      int publishes = 0;
      for (size_t p = 0; p < n; ++p) {
        if (group[p] != g) continue;
        pushed += out.publishes[p].end_ms - out.publishes[p].start_ms;
        ++publishes;
      }
      int64_t recorded = 0;
      for (size_t k = 0; k < files.size(); ++k) {
        if (file_group[k] == g) recorded += files[k].duration_ms;
      }
      EXPECT_NEAR(static_cast<double>(recorded), static_cast<double>(pushed), 1000.0 * publishes)
          << "group " << g << ": recorded vs pushed media (ms)";
    }
  }
  ASSERT_EQ(out.statuses.size(), 2 * n) << "one started/resumed and one paused per publish";
  for (size_t p = 0; p < n; ++p) {
    EXPECT_EQ(out.statuses[2 * p + 1], RecordingStatus::kPaused) << "publish " << p;
    bool continues = false;
    for (const auto& f : out.files)
      continues = continues || (p > 0 && overlaps(f, p - 1) && overlaps(f, p));
    EXPECT_EQ(out.statuses[2 * p],
              continues ? RecordingStatus::kResumed : RecordingStatus::kStarted)
        << "publish " << p << (continues ? " continues a file" : " starts new files");
  }
}

}  // namespace liverec::recorder::simulation
