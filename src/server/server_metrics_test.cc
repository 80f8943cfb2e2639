// ServerMetrics over real components: what a scrape shows of each source.
#include "server/server_metrics.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "base/build_info.h"
#include "metadata/record_config_repository.h"
#include "testing/temp_dir.h"
#include "testing/test_database.h"

namespace liverec::server {
namespace {

namespace fs = std::filesystem;

class ServerMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spool_dir_ = tmp_.path();
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    controls_ = std::make_unique<recorder::LiveControls>(*configs_, clock_);
    outbox_ = std::make_unique<metadata::CallbackOutboxRepository>(*db_);
    relay_tasks_ = std::make_unique<metadata::RelayTaskRepository>(*db_);
    spool_ = std::make_unique<recorder::Spool>(spool_dir_.string());
    metrics_ = std::make_unique<ServerMetrics>(clock_);
    metrics_->AddSources({registry_, *controls_, *spool_, *outbox_, *relay_tasks_, nullptr});
  }

  void WriteSpoolFile(const std::string& relative, size_t bytes) {
    fs::create_directories((spool_dir_ / relative).parent_path());
    std::ofstream(spool_dir_ / relative) << std::string(bytes, 'x');
  }

  bool Shows(const std::string& line) {
    last_ = metrics_->registry().Render();
    return last_.find("\n" + line + "\n") != std::string::npos;
  }

  FakeClock clock_{1'767'225'600'250};
  liverec::testing::TempDir tmp_{"server_metrics"};
  fs::path spool_dir_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::RecordConfigRepository> configs_;
  std::unique_ptr<recorder::LiveControls> controls_;
  std::unique_ptr<metadata::CallbackOutboxRepository> outbox_;
  std::unique_ptr<metadata::RelayTaskRepository> relay_tasks_;
  std::unique_ptr<recorder::Spool> spool_;
  ingest::StreamRegistry registry_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::string last_;
};

TEST_F(ServerMetricsTest, ProcessAndBuildInfo) {
  EXPECT_TRUE(Shows("process_start_time_seconds 1767225600.25")) << last_;
  std::string build = "liverec_build_info{version=\"" + std::string(BuildVersion()) +
                      "\",commit=\"" + std::string(BuildCommit()) + "\"} 1";
  EXPECT_TRUE(Shows(build)) << last_;
  EXPECT_FALSE(BuildVersion().empty());
}

TEST_F(ServerMetricsTest, TheNodeIdIsALabelOnEveryNode) {
  metrics_->AddNode("rec-1", nullptr);
  EXPECT_TRUE(Shows("liverec_node_info{node_id=\"rec-1\"} 1")) << last_;
  EXPECT_EQ(last_.find("liverec_cluster_"), std::string::npos) << "no cluster on SQLite";
}

TEST_F(ServerMetricsTest, AClusterNodeShowsTheLiveNodesAndWhetherItHoldsItsLease) {
  OsRandom random;
  config::ClusterConfig config{.node_id = "rec-1", .lease_seconds = 10};
  auto node = ClusterNode::Start(*db_, clock_, random, config, "", {});
  ASSERT_TRUE(node.has_value()) << node.error().ToString();
  ASSERT_TRUE((*node)->SetListeners("127.0.0.1:0", 8080, "127.0.0.1:0", 1935).ok());
  metrics_->AddNode("rec-1", node->get());
  EXPECT_TRUE(Shows("liverec_cluster_nodes_live 1")) << last_;
  EXPECT_TRUE(Shows("liverec_cluster_lease_held 1")) << last_;
  auto rows = metadata::NodeRepository(*db_).List(clock_.NowMs());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().node.advertise_http, "127.0.0.1:8080");
  EXPECT_EQ(rows->front().node.version, BuildVersion());
  clock_.AdvanceMs(10'000);  // no heartbeat in fake time: the lease lapses
  EXPECT_TRUE(Shows("liverec_cluster_nodes_live 0")) << last_;
  EXPECT_TRUE(Shows("liverec_cluster_lease_held 0")) << last_;
}

TEST_F(ServerMetricsTest, LiveStreamsAndRecordingTasksAreCountedAtScrapeTime) {
  EXPECT_TRUE(Shows("liverec_streams_live 0")) << last_;
  ingest::LiveStream stream;
  stream.domain = "example.com";
  stream.app = "live";
  stream.stream = "s1";
  ASSERT_TRUE(registry_.TryAcquire(stream));
  auto control = std::make_shared<recorder::LiveControl>("example.com/live/s1");
  metadata::RecordConfig config;
  control->AutoStart(config, false, "test");
  controls_->Register("k", control);
  EXPECT_TRUE(Shows("liverec_streams_live 1")) << last_;
  EXPECT_TRUE(Shows("liverec_streams_recording 1")) << last_;
  registry_.Release(stream.Key());
  EXPECT_TRUE(Shows("liverec_streams_live 0")) << last_;
}

TEST_F(ServerMetricsTest, CountersHandedToComponentsAppearWithEveryOutcome) {
  EXPECT_TRUE(Shows("liverec_callback_attempts_total{outcome=\"retry\"} 0")) << last_;
  metrics_->rtmp_received_bytes().Add(1234);
  metrics_->CallbackAttempted(metadata::CallbackState::kPending);
  metrics_->CallbackAttempted(metadata::CallbackState::kPending);
  metrics_->CallbackAttempted(metadata::CallbackState::kFailed);
  metrics_->recorder().SliceStoreDone(true, std::chrono::steady_clock::now());
  EXPECT_TRUE(Shows("liverec_rtmp_received_bytes_total 1234")) << last_;
  EXPECT_TRUE(Shows("liverec_callback_attempts_total{outcome=\"retry\"} 2")) << last_;
  EXPECT_TRUE(Shows("liverec_callback_attempts_total{outcome=\"failed\"} 1")) << last_;
  EXPECT_TRUE(Shows("liverec_callback_attempts_total{outcome=\"delivered\"} 0")) << last_;
  EXPECT_TRUE(Shows("liverec_slices_stored_total 1")) << last_;
  EXPECT_TRUE(Shows("liverec_slice_store_duration_seconds_count 1")) << last_;
}

TEST_F(ServerMetricsTest, SpoolBacklogIsMeasuredAndReusedForTwoSeconds) {
  WriteSpoolFile("stream-a/slice-1.ts", 1000);
  WriteSpoolFile("held/stream-a/slice-0.ts", 500);
  EXPECT_TRUE(Shows("liverec_spool_backlog_slices 1")) << last_;
  EXPECT_TRUE(Shows("liverec_spool_backlog_bytes 1000")) << last_;
  EXPECT_TRUE(Shows("liverec_spool_bytes 1500")) << last_;
  WriteSpoolFile("stream-a/slice-2.ts", 1000);
  clock_.AdvanceMs(ServerMetrics::kSpoolCacheMs - 1);
  EXPECT_TRUE(Shows("liverec_spool_backlog_slices 1")) << "cached: " << last_;
  clock_.AdvanceMs(1);
  EXPECT_TRUE(Shows("liverec_spool_backlog_slices 2")) << last_;
}

TEST_F(ServerMetricsTest, UploadLagIsTheAgeOfTheOldestClosedSliceWaitingInTheSpool) {
  EXPECT_TRUE(Shows("liverec_upload_lag_seconds 0")) << "nothing waits: " << last_;
  auto at = [&](int64_t unix_ms) {
    return std::chrono::file_clock::from_sys(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unix_ms)));
  };
  WriteSpoolFile("stream-a/slice-1.ts", 10);
  fs::last_write_time(spool_dir_ / "stream-a/slice-1.ts", at(clock_.NowMs() - 4'000));
  WriteSpoolFile("stream-b/slice-2.ts", 10);
  fs::last_write_time(spool_dir_ / "stream-b/slice-2.ts", at(clock_.NowMs() - 12'500));
  WriteSpoolFile("held/stream-a/slice-0.ts", 10);  // held for an MP4/FLV file: not uploaded
  fs::last_write_time(spool_dir_ / "held/stream-a/slice-0.ts", at(clock_.NowMs() - 60'000));
  clock_.AdvanceMs(ServerMetrics::kSpoolCacheMs);
  EXPECT_TRUE(Shows("liverec_upload_lag_seconds 14.5")) << last_;
  fs::remove(spool_dir_ / "stream-b/slice-2.ts");  // stored
  clock_.AdvanceMs(ServerMetrics::kSpoolCacheMs);
  EXPECT_TRUE(Shows("liverec_upload_lag_seconds 8")) << last_;
}

TEST_F(ServerMetricsTest, OutboxAndRelayTasksComeFromTheDatabase) {
  EXPECT_TRUE(Shows("liverec_callback_outbox_pending_events 0")) << last_;
  EXPECT_TRUE(Shows("liverec_callback_outbox_failed_events 0")) << last_;
  for (int status : {-1, 0, 1, 2, 3}) {
    EXPECT_TRUE(Shows("liverec_relay_tasks{status=\"" + std::to_string(status) + "\"} 0")) << last_;
  }
  // A broken database leaves the metric out instead of showing a wrong number.
  ASSERT_TRUE(db_->Execute("DROP TABLE relay_tasks", {}).has_value());
  last_ = metrics_->registry().Render();
  EXPECT_NE(last_.find("# TYPE liverec_relay_tasks gauge\n"), std::string::npos);
  EXPECT_EQ(last_.find("liverec_relay_tasks{"), std::string::npos) << last_;
}

}  // namespace
}  // namespace liverec::server
