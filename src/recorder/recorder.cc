#include "recorder/recorder.h"

#include <algorithm>
#include <filesystem>
#include <tuple>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "ingest/stream_registry.h"
#include "recorder/ingest_record_choice.h"
#include "recorder/live_recording.h"
#include "recorder/metered_recording.h"
#include "recorder/on_demand_gate.h"
#include "recorder/rule_matcher.h"
#include "recorder/spool_orphans.h"

namespace liverec::recorder {
namespace {

// The plan of a publish: every configured format. Slices take the m3u8 SliceDuration (and
// SliceOssObjectPrefix) when m3u8 is configured, else the shortest SliceDuration of the formats.
RecordingPlan BuildPlan(const metadata::RecordConfig& config, const ingest::PublishInfo& info,
                        const std::string& stream_id, int time_zone_minutes) {
  const auto& id = info.identity;
  RecordingPlan plan{
      info.account_id,     stream_id,         config.id, id.domain, id.app, id.stream,
      config.oss_endpoint, config.oss_bucket, "",        "",        21600,  30,
      config.delay_time_s, time_zone_minutes, {}};
  for (const auto& [name, value] : id.args) {
    if (name.starts_with("callback_")) plan.push_args.emplace(name, value);
  }
  int64_t slice_s = 0;
  for (const auto& f : config.formats) {
    plan.formats.push_back({f.format, f.oss_object_prefix, f.cycle_duration_s});
    if (f.slice_duration_s > 0 && (slice_s == 0 || f.slice_duration_s < slice_s)) {
      slice_s = f.slice_duration_s;
    }
    if (f.format == "m3u8") {
      plan.playlist_template = f.oss_object_prefix;
      plan.slice_template = f.slice_oss_object_prefix;
      plan.cycle_duration_s = f.cycle_duration_s;
    }
  }
  for (const auto& f : config.formats) {
    if (f.format == "m3u8" && f.slice_duration_s > 0) slice_s = f.slice_duration_s;
  }
  if (slice_s > 0) plan.slice_duration_s = slice_s;
  if (!plan.Has("m3u8") && !plan.formats.empty()) {
    plan.cycle_duration_s = plan.formats.front().cycle_duration_s;
  }
  return plan;
}

}  // namespace

Recorder::Recorder(RecorderDependencies deps)
    : deps_(std::move(deps)),
      last_ends_(std::make_shared<LastEnds>()),
      lanes_(deps_.clock, deps_.make_serial, deps_.make_upload_serial, deps_.lanes) {
  deps_.cycles.SetBacklogCheck(
      [lanes = &lanes_](const std::string& stream_id) { return lanes->HasBacklog(stream_id); });
}

std::unique_ptr<ingest::StreamObserver> Recorder::OnPublish(const ingest::PublishInfo& info) {
  const auto& id = info.identity;
  std::string who = id.Key();
  auto control = std::make_shared<LiveControl>(who);
  std::optional<RecordWindow> window = PlanAutomatic(info, *control);

  auto lane = lanes_.Lane(info.account_id, id.domain, id.app, id.stream);
  auto start = [this, info, lane,
                control](const TaskEffect& effect) -> std::unique_ptr<ingest::StreamObserver> {
    if (effect.on_demand) return GateOnDemand(*effect.config, info, lane, control, effect.task);
    return StartRecording(*effect.config, info, lane);
  };
  auto close = [recordings = &deps_.recordings, cycles = &deps_.cycles, info] {
    const auto& ident = info.identity;
    auto stream = recordings->FindStream(info.account_id, ident.domain, ident.app, ident.stream);
    Status status = !stream   ? stream.error()
                    : *stream ? cycles->CloseStreamNow(info.account_id, (*stream)->id)
                              : Status::Ok();
    if (!status.ok()) {
      spdlog::error("recorder: {}: files not closed now (they close after DelayTime): {}",
                    ident.Key(), status.ToString());
    }
  };
  // Queued from the lane, behind the last slice and the end that a stop just before posts there:
  // the files close with every slice in.
  auto close_files_now = [lane, close] { lane->Post([lane, close] { lane->Then(close); }); };
  std::string key = LiveControls::Key(info.account_id, id.domain, id.app, id.stream);
  if (deps_.live_controls) deps_.live_controls->Register(key, control);
  auto on_end = [controls = deps_.live_controls, key, raw = control.get()] {
    if (controls) controls->Unregister(key, raw);
  };
  return std::make_unique<LiveRecording>(control, std::move(start), std::move(close_files_now),
                                         deps_.clock, std::move(window), std::move(on_end));
}

std::optional<RecordWindow> Recorder::PlanAutomatic(const ingest::PublishInfo& info,
                                                    LiveControl& control) {
  std::string who = info.identity.Key();
  auto configs = deps_.record_configs.ListForDomain(info.account_id, info.identity.domain);
  if (!configs) {
    spdlog::error("recorder: {}: cannot read record configs: {}", who, configs.error().ToString());
    return std::nullopt;
  }
  int64_t now = deps_.clock.NowMs();
  MatchResult match = MatchRecordConfig(*configs, info.identity.app, info.identity.stream, now);
  if (!match.config) {
    spdlog::info("recorder: {}: not recorded (no record config matches)", who);
    return std::nullopt;
  }
  const auto& config = *match.config;
  if (config.formats.empty()) {
    spdlog::warn("recorder: {}: not recorded: the config has no format", who);
    return std::nullopt;
  }
  if (config.on_demand == 7) {
    spdlog::info(
        "recorder: {}: manual recording (OnDemand=7): waits for RealTimeRecordCommand "
        "start",
        who);
    return std::nullopt;
  }
  if (config.on_demand == 2) {
    // The publisher's URL decides (record_config={"NeedRecord":true}); then as automatic.
    IngestRecordChoice choice = IngestAsksToRecord(info.identity.args);
    if (!choice.record) {
      spdlog::info("recorder: {}: not recorded (OnDemand=2): {}", who, choice.reason);
      return std::nullopt;
    }
    spdlog::info("recorder: {}: recorded (OnDemand=2): {}", who, choice.reason);
  } else if (config.on_demand != 0 && config.on_demand != 1) {
    spdlog::warn("recorder: {}: not recorded: OnDemand={} is not a recording mode", who,
                 config.on_demand);
    return std::nullopt;
  }
  bool on_demand = config.on_demand == 1;
  std::optional<RecordWindow> window;
  if (config.start_time_ms && config.end_time_ms && now < *config.end_time_ms) {
    window = RecordWindow{*config.start_time_ms, *config.end_time_ms, config, on_demand,
                          match.in_window};
  }
  if (match.in_window) {
    control.AutoStart(config, on_demand, on_demand ? "on-demand" : "automatic");
  } else if (window) {
    spdlog::info("recorder: {}: not recorded until the config's StartTime-EndTime window opens",
                 who);
  } else {
    spdlog::info("recorder: {}: not recorded (the config's StartTime-EndTime window has passed)",
                 who);
  }
  return window;
}

std::unique_ptr<ingest::StreamObserver> Recorder::GateOnDemand(const metadata::RecordConfig& config,
                                                               const ingest::PublishInfo& info,
                                                               std::shared_ptr<StreamLane> lane,
                                                               std::shared_ptr<LiveControl> control,
                                                               uint64_t task) {
  std::string who = info.identity.Key();
  if (!deps_.on_demand) {
    spdlog::warn("recorder: {}: not recorded: OnDemand=1 but on-demand decisions are off", who);
    control->Declined(task);
    return nullptr;
  }
  OnDemandQuery query{
      info.account_id, info.identity.domain, info.identity.app, info.identity.stream, "", 0};
  auto ask = [decider = deps_.on_demand, lane, query, formats = config.formats, control, task](
                 const std::string& codec, int64_t kbps, OnDemandGate::Deliver deliver) mutable {
    query.codec = codec;
    query.vbitrate_kbps = kbps;
    lane->Post([decider, query, formats, control, task, deliver = std::move(deliver)] {
      OnDemandDecision decision = decider->Decide(query, formats);
      if (!decision.record) control->Declined(task);
      deliver(std::move(decision));
    });
  };
  auto start = [this, config, info, lane](const OnDemandDecision& decision) {
    metadata::RecordConfig chosen = config;
    chosen.formats = decision.formats;
    return StartRecording(chosen, info, lane);
  };
  return std::make_unique<OnDemandGate>(who, std::move(ask), std::move(start));
}

std::unique_ptr<ingest::StreamObserver> Recorder::StartRecording(
    const metadata::RecordConfig& config, const ingest::PublishInfo& info,
    std::shared_ptr<StreamLane> lane) {
  const auto& id = info.identity;
  std::string who = id.Key();
  auto stream = deps_.recordings.EnsureStream(info.account_id, id.domain, id.app, id.stream);
  if (!stream) {
    spdlog::error("recorder: {}: {}", who, stream.error().ToString());
    return nullptr;
  }
  RecordingPlan plan = BuildPlan(config, info, stream->id, deps_.time_zone_minutes);
  std::string formats;
  for (const auto& f : plan.formats) {
    formats += fmt::format("{}{} (cycles of {} s)", formats.empty() ? "" : ", ", f.format,
                           f.cycle_duration_s);
  }
  if (auto bad_keys = CheckPlanKeys(plan)) {
    std::string reason = "the stream's object keys would be invalid: " + *bad_keys;
    spdlog::error("recorder: {}: not recorded: {}", who, reason);
    lane->Post([cycles = &deps_.cycles, plan, reason] { cycles->AnnounceError(plan, reason); });
    return nullptr;
  }
  if (deps_.admit) {
    if (auto refused = deps_.admit(plan)) {
      spdlog::error("recorder: {}: not recorded: {}", who, *refused);
      lane->Post([cycles = &deps_.cycles, plan, reason = *refused] {
        cycles->AnnounceError(plan, reason);
      });
      return nullptr;
    }
  }
  spdlog::info("recorder: {}: recording to {}/{}: {}; slices of {} s", who, plan.endpoint,
               plan.bucket, formats, plan.slice_duration_s);
  // A new publish starts after the previous one's last slice, which (pushed faster than real
  // time) may end after the wall clock now.
  auto indexed_end = deps_.recordings.LastSliceEnd(info.account_id, stream->id);
  auto held_end = deps_.recordings.LastHeldSliceEnd(info.account_id, stream->id);
  int64_t previous_end = std::max(indexed_end ? *indexed_end : 0, held_end ? *held_end : 0);
  {
    std::lock_guard lock(last_ends_->mutex);
    previous_end = std::max(previous_end, last_ends_->by_stream[stream->id]);
  }
  auto on_slice_end = [ends = last_ends_, id = stream->id](int64_t end_ms) {
    std::lock_guard lock(ends->mutex);
    int64_t& value = ends->by_stream[id];
    value = std::max(value, end_ms);
  };
  // The publish holds the stream cluster-wide until another node takes its publish lease over.
  auto publishing = [revocation = info.revocation] {
    return !revocation || !revocation->revoked();
  };
  auto finisher = std::make_shared<SliceFinisher>(deps_.recordings, deps_.cycles, deps_.stores,
                                                  deps_.spool, deps_.clock, deps_.metrics,
                                                  deps_.recording_leases, std::move(publishing));
  // The publish claims the cycles it continues (within DelayTime) now, not when its first slice
  // closes (a SliceDuration later, when the sweep may have closed them), and says "started" or
  // "resumed": queued on the stream's lane behind the previous publish's end, ahead of this
  // publish's slices and of the "paused" its end queues there.
  lane->Post([lane, finisher, plan, publish_ms = deps_.clock.NowMs()] {
    lane->Begin(plan, publish_ms, finisher);
  });
  UsageStream usage{info.account_id, id.domain, {}};
  for (const auto& f : plan.formats) usage.formats.push_back(f.format);
  auto recording = std::make_unique<StreamRecorder>(
      std::move(plan), deps_.spool, std::move(finisher), std::move(lane), deps_.clock, deps_.random,
      previous_end, on_slice_end, deps_.metrics, ConfigChangeLimits{}, deps_.ts_muxer);
  if (!deps_.usage) return recording;
  return std::make_unique<MeteredRecording>(*deps_.usage, std::move(usage), std::move(recording));
}

Result<int> Recorder::Recover() {
  // A single node's cycles all lost their publishers with its last run. In a cluster the other
  // nodes' cycles are live, and this node's previous run's cycles count as left once their
  // recording leases are free (CycleManager::CloseExpired, BeginPublish).
  if (!deps_.recording_leases) LIVEREC_RETURN_IF_ERROR(deps_.recordings.MarkAllCyclesNotLive());
  std::vector<SpoolSlice> slices;
  OrphanSweep orphans = SweepSpoolOrphans(deps_.spool);
  if (orphans.parts_moved > 0) {
    spdlog::error("recovery: {} slice file(s) without a sidecar moved to {}/orphans",
                  orphans.parts_moved, deps_.spool.root());
  }
  for (SpoolSlice slice : deps_.spool.ScanSidecars()) {
    std::error_code ec;
    if (!slice.closed && !std::filesystem::exists(deps_.spool.PartPath(slice), ec) &&
        std::filesystem::exists(deps_.spool.ClosedPath(slice), ec)) {
      // Renamed to .ts at close, the closed sidecar not written yet: repaired like a torn one.
      std::filesystem::rename(deps_.spool.ClosedPath(slice), deps_.spool.PartPath(slice), ec);
    }
    if (!slice.closed) {
      int64_t duration = deps_.spool.CutTornToWholePackets(slice);
      if (duration < 0) {
        spdlog::warn("recovery: slice {} of {}/{}/{} has no whole media; removed", slice.id,
                     slice.plan.domain, slice.plan.app, slice.plan.stream);
        deps_.spool.Remove(slice);
        continue;
      }
      slice.end_ms = slice.start_ms + std::max<int64_t>(duration, 1);
      slice.torn = true;
      LIVEREC_RETURN_IF_ERROR(deps_.spool.CloseSlice(slice));
      spdlog::info("recovery: torn slice {} of {}/{}/{} cut to whole packets ({} ms)", slice.id,
                   slice.plan.domain, slice.plan.app, slice.plan.stream, duration);
    } else if (!std::filesystem::exists(deps_.spool.ClosedPath(slice), ec)) {
      spdlog::warn("recovery: sidecar {} without its slice; removed", slice.id);
      deps_.spool.Remove(slice);
      continue;
    }
    slices.push_back(std::move(slice));
  }
  // Each stream's slices in time order, on its lane: finished in turn, retried while their
  // bucket is unreachable, and their cycles kept open until they are in (HasBacklog).
  std::sort(slices.begin(), slices.end(), [](const SpoolSlice& a, const SpoolSlice& b) {
    return std::tie(a.plan.account_id, a.plan.stream_id, a.start_ms) <
           std::tie(b.plan.account_id, b.plan.stream_id, b.start_ms);
  });
  // One finisher per run of a stream's slices recorded under one config (so its End releases
  // every cycle they were attached to): a bucket that refuses them for good fails them once.
  for (size_t i = 0; i < slices.size();) {
    const RecordingPlan plan = slices[i].plan;
    auto lane = lanes_.Lane(plan.account_id, plan.domain, plan.app, plan.stream);
    auto finisher =
        std::make_shared<SliceFinisher>(deps_.recordings, deps_.cycles, deps_.stores, deps_.spool,
                                        deps_.clock, deps_.metrics, deps_.recording_leases);
    RecordingPlan ended = plan;
    for (; i < slices.size() && slices[i].plan.account_id == plan.account_id &&
           slices[i].plan.stream_id == plan.stream_id && slices[i].plan.config_id == plan.config_id;
         ++i) {
      ended = slices[i].plan;
      lane->Finish(std::move(slices[i]), finisher);
    }
    lane->End(ended, finisher, nullptr);
  }
  Status swept = deps_.cycles.SweepSpool();
  if (!swept.ok()) spdlog::warn("recovery: spool sweep: {}", swept.ToString());
  // Files stored before a crash whose file_created was not recorded yet.
  Status announced = deps_.cycles.AnnouncePending();
  if (!announced.ok()) spdlog::error("recovery: announcing files: {}", announced.ToString());
  LIVEREC_RETURN_IF_ERROR(deps_.cycles.CloseExpired());
  return static_cast<int>(slices.size());
}

}  // namespace liverec::recorder
