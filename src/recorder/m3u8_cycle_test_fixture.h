// Test support (not part of the library): a CycleManager over a migrated in-memory SQLite
// database, a local bucket and a spool in a temp dir, recording m3u8 cycles from slice-index rows
// alone (closing a cycle only reads the rows to write its playlist), with a fake clock. Restart()
// models a new process over the same database and bucket. For tests of cycle closing and of the
// file_created announcements, in the recorder and the server layers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "metadata/index_file_repository.h"
#include "metadata/migrations.h"
#include "metadata/recording_repository.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"
#include "recorder/cycle_manager.h"
#include "storage/local/local_object_store.h"

namespace liverec::recorder {

class M3u8CycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("m3u8_cycle_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    auto db = metadata::SqliteDatabase::Open(":memory:");
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(metadata::ApplyMigrations(*db_, clock_).ok());
    account_ = metadata::TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
    recordings_ = std::make_unique<metadata::RecordingRepository>(*db_, clock_, random_);
    index_files_ = std::make_unique<metadata::IndexFileRepository>(*db_);
    stream_id_ = recordings_->EnsureStream(account_, "a.com", "live", "s1")->id;
    store_ = std::make_unique<storage::LocalObjectStore>(dir_ + "/bucket");
    spool_ = std::make_unique<Spool>(dir_ + "/spool");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A new CycleManager telling `events`, as after a restart: no publisher feeds any cycle.
  void Restart(RecordingEvents* events) {
    cycles_ = std::make_unique<CycleManager>(
        *recordings_, [this](const std::string&, const std::string&) { return store_.get(); },
        *spool_, clock_, random_, index_files_.get(), events);
    ASSERT_TRUE(recordings_->MarkAllCyclesNotLive().ok());
  }

  // m3u8 only, DelayTime 10 s, with a callback_* argument.
  RecordingPlan Plan() {
    RecordingPlan plan;
    plan.account_id = account_;
    plan.stream_id = stream_id_;
    plan.config_id = "cfg";
    plan.domain = "a.com";
    plan.app = "live";
    plan.stream = "s1";
    plan.endpoint = "local";
    plan.bucket = "records";
    plan.playlist_template = "p/{StreamName}_{Sequence}";
    plan.slice_template = "rec/{StreamName}/{Sequence}";
    plan.cycle_duration_s = 3600;
    plan.slice_duration_s = 1;
    plan.delay_time_s = 10;
    plan.formats = {{"m3u8", plan.playlist_template, 3600}};
    plan.push_args = {{"callback_id", "7"}};
    return plan;
  }

  // Indexes `count` 1-second slices from now into the stream's m3u8 cycle, then the publisher
  // leaves. Returns the cycle id.
  std::string Record(const RecordingPlan& plan, int count) {
    auto cycle = cycles_->Attach(plan, "m3u8", clock_.NowMs());
    EXPECT_TRUE(cycle.has_value()) << cycle.error().ToString();
    if (!cycle) return "";
    for (int i = 0; i < count; ++i) {
      int64_t start = clock_.NowMs();
      metadata::SliceRow s;
      s.account_id = account_;
      s.stream_id = stream_id_;
      s.start_ms = start;
      s.end_ms = s.start_ms + 1000;
      s.duration_ms = 1000;
      s.endpoint = "local";
      s.bucket = "records";
      s.object_key = "rec/s1/" + std::to_string(start) + ".ts";
      s.sequence = i;
      s.cycle_id = cycle->id;
      EXPECT_TRUE(recordings_->InsertSlice(s).ok());
      EXPECT_TRUE(recordings_->TouchCycle(account_, cycle->id, start, start + 1000, start).ok());
      clock_.AdvanceMs(1000);
    }
    EXPECT_TRUE(cycles_->Detach(account_, cycle->id).ok());
    return cycle->id;
  }

  // The playlists in the bucket, as keys.
  std::vector<std::string> Playlists() {
    std::vector<std::string> keys;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_ + "/bucket", ec)) {
      if (e.is_regular_file() && e.path().extension() == ".m3u8") {
        keys.push_back(std::filesystem::relative(e.path(), dir_ + "/bucket").string());
      }
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  metadata::RecordCycleRow Cycle(const std::string& id) {
    auto cycle = recordings_->FindCycle(account_, id);
    EXPECT_TRUE(cycle.has_value() && cycle->has_value());
    return cycle && *cycle ? **cycle : metadata::RecordCycleRow{};
  }

  std::string dir_;
  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  std::unique_ptr<metadata::SqliteDatabase> db_;
  std::unique_ptr<metadata::RecordingRepository> recordings_;
  std::unique_ptr<metadata::IndexFileRepository> index_files_;
  std::unique_ptr<storage::LocalObjectStore> store_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<CycleManager> cycles_;
  std::string account_;
  std::string stream_id_;
};

}  // namespace liverec::recorder
