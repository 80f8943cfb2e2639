#include "stream_ops.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>

#include "base/ids.h"
#include "callbacks/record_notifier.h"
#include "seed.h"

namespace liverec::bench {
namespace {

using Steady = std::chrono::steady_clock;

double MsSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

void Warn(const char* what, const StreamState& s, const Status& status) {
  spdlog::warn("{} {}: {}", what, s.id, status.ToString());
}

// A file_created body of the size liverec sends (docs/callbacks.md).
std::string FileBody(const StreamState& s, const std::string& key) {
  return fmt::format(R"({{"domain":"{}","app":"{}","stream":"{}","uri":"{}","duration":3600.0,)"
                     R"("start_time":1765000000,"stop_time":1765003600,"push_args":{{}},)"
                     R"("file_size":2700000000,"width":1280,"height":720,"record_id":"{}"}})",
                     kDomain, kApp, s.name, key, s.id);
}

}  // namespace

void StreamOps::Slice(StreamState& s, int64_t end_ms) {
  const int64_t start_ms = end_ms - o_.slice_s * 1000;
  if (o_.fence) {
    auto t = Steady::now();
    metadata::LeaseKey key{kStreamLeaseKind, s.id};
    const std::string& holder = world_.holders[static_cast<size_t>(s.node)];
    Status fenced = r_.db->InTransaction([&](metadata::SqlSession& tx) {
      return r_.leases.CheckFence(tx, key, holder, s.lease_epoch);
    });
    log_.Record(Op::kFence, MsSince(t), fenced.ok());
    if (!fenced.ok()) Warn("fence", s, fenced);
  }
  auto t = Steady::now();
  double closing_ms = 0;
  Status written = SliceWrites(s, start_ms, end_ms, closing_ms);
  log_.Record(Op::kSlice, MsSince(t) - closing_ms, written.ok());
  if (!written.ok()) Warn("slice", s, written);
}

Status StreamOps::SliceWrites(StreamState& s, int64_t start_ms, int64_t end_ms,
                              double& closing_ms) {
  const std::string& account = world_.account_id;
  auto m3u8 = Attach(s, "m3u8", start_ms, closing_ms);
  if (!m3u8) return m3u8.error();
  auto sequence = r_.recordings.TakeSequence(account, s.id, metadata::SequenceKind::kSlice);
  if (!sequence) return sequence.error();
  metadata::SliceRow row{account,
                         s.id,
                         start_ms,
                         end_ms,
                         end_ms - start_ms,
                         7'500'000,
                         "oss-cn-shanghai.aliyuncs.com",
                         "sim-bucket",
                         fmt::format("record/live/{}/{}_{}.ts", s.name, start_ms / 1000, *sequence),
                         "h264",
                         "aac",
                         1280,
                         720,
                         *sequence,
                         m3u8->id,
                         false};
  LIVEREC_RETURN_IF_ERROR(r_.recordings.InsertSlice(row));
  LIVEREC_RETURN_IF_ERROR(
      r_.recordings.TouchCycle(account, m3u8->id, start_ms, end_ms, clock_.NowMs()));
  if (!o_.mp4) return Status::Ok();
  auto mp4 = Attach(s, "mp4", start_ms, closing_ms);
  if (!mp4) return mp4.error();
  metadata::HeldSliceRow held{
      account, mp4->id, NewId(clock_, r_.random), s.id, start_ms, end_ms, "h264", "aac", 1280, 720};
  LIVEREC_RETURN_IF_ERROR(r_.recordings.InsertHeldSlice(held));
  return r_.recordings.TouchCycle(account, mp4->id, start_ms, end_ms, clock_.NowMs());
}

Result<metadata::RecordCycleRow> StreamOps::Attach(StreamState& s, const std::string& format,
                                                   int64_t start_ms, double& closing_ms) {
  auto open = r_.recordings.FindOpenCycle(world_.account_id, s.id, "sim-config", format);
  if (!open) return Error(open.error());
  int64_t cycle_ms = (format == "mp4" ? o_.mp4_cycle_s : o_.m3u8_cycle_s) * 1000;
  std::optional<metadata::RecordCycleRow> cycle = std::move(*open);
  if (cycle && cycle->start_ms && start_ms - *cycle->start_ms >= cycle_ms) {
    auto t = Steady::now();
    Status closed = Close(s, *cycle);
    auto opened = closed.ok() ? Open(s, format) : Result<metadata::RecordCycleRow>(Error(closed));
    double ms = MsSince(t);
    closing_ms += ms;
    log_.Record(format == "mp4" ? Op::kMp4Close : Op::kM3u8Close, ms, opened.has_value());
    if (!opened) return opened;
    cycle = std::move(*opened);
  } else if (!cycle) {
    auto opened = Open(s, format);
    if (!opened) return opened;
    cycle = std::move(*opened);
  }
  (format == "mp4" ? s.mp4_cycle : s.m3u8_cycle) = cycle->id;
  return *cycle;
}

Status StreamOps::Close(const StreamState& s, const metadata::RecordCycleRow& cycle) {
  std::string key;
  if (cycle.format == "m3u8") {
    LIVEREC_RETURN_IF_ERROR(CloseM3u8(s, cycle, key));
  } else {
    LIVEREC_RETURN_IF_ERROR(CloseMp4(s, cycle, key));
  }
  return r_.recordings.CloseCycle(cycle.account_id, cycle.id, key, clock_.NowMs());
}

Status StreamOps::CloseM3u8(const StreamState& s, const metadata::RecordCycleRow& cycle,
                            std::string& key) {
  auto stored = r_.index_files.Find(cycle.account_id, cycle.stream_id, cycle.id);
  if (!stored) return stored.error();
  auto slices = r_.recordings.ListCycleSlices(cycle.account_id, cycle.id);
  if (!slices) return slices.error();
  if (slices->empty()) return Status::Ok();
  key = fmt::format("record/live/{}/{}_{}.m3u8", s.name, slices->front().start_ms / 1000,
                    slices->back().end_ms / 1000);
  metadata::IndexFileRow file{cycle.account_id,
                              cycle.id,
                              cycle.stream_id,
                              "cycle",
                              "oss-cn-shanghai.aliyuncs.com",
                              "sim-bucket",
                              key,
                              "m3u8",
                              slices->front().start_ms,
                              slices->back().end_ms,
                              0,
                              1280,
                              720,
                              clock_.NowMs()};
  for (const auto& slice : *slices) file.duration_ms += slice.duration_ms;
  file.announced = false;
  LIVEREC_RETURN_IF_ERROR(r_.index_files.Insert(file));
  LIVEREC_RETURN_IF_ERROR(
      Enqueue(s, "file_created", callbacks::FileCreatedEventId(cycle.account_id, cycle.id)));
  return r_.index_files.MarkAnnounced(cycle.account_id, cycle.id);
}

Status StreamOps::CloseMp4(const StreamState& s, const metadata::RecordCycleRow& cycle,
                           std::string& key) {
  auto held = r_.recordings.ListHeldSlices(cycle.account_id, cycle.id);
  if (!held) return held.error();
  auto stored = r_.recordings.ListCycleRecordFiles(cycle.account_id, cycle.id);
  if (!stored) return stored.error();
  if (!held->empty()) {
    key = fmt::format("record/live/{}/{}_{}.mp4", s.name, held->front().start_ms / 1000,
                      held->back().end_ms / 1000);
    metadata::RecordFileRow row{cycle.account_id,
                                NewId(clock_, r_.random),
                                cycle.stream_id,
                                cycle.id,
                                0,
                                0,
                                static_cast<int64_t>(held->size()),
                                "mp4",
                                "oss-cn-shanghai.aliyuncs.com",
                                "sim-bucket",
                                key,
                                held->front().start_ms,
                                held->back().end_ms,
                                held->back().end_ms - held->front().start_ms,
                                1280,
                                720,
                                2'700'000'000,
                                clock_.NowMs()};
    row.announced = false;
    LIVEREC_RETURN_IF_ERROR(r_.recordings.InsertRecordFile(row));
    LIVEREC_RETURN_IF_ERROR(
        Enqueue(s, "file_created", callbacks::FileCreatedEventId(cycle.account_id, row.id)));
    LIVEREC_RETURN_IF_ERROR(r_.recordings.MarkRecordFileAnnounced(cycle.account_id, row.id));
  }
  LIVEREC_RETURN_IF_ERROR(r_.recordings.DeleteHeldSlices(cycle.account_id, cycle.id));
  for (const auto& h : *held) {
    auto uses = r_.recordings.CountHeldSliceUses(h.account_id, h.slice_id);
    if (!uses) return uses.error();
  }
  return Status::Ok();
}

Result<metadata::RecordCycleRow> StreamOps::Open(const StreamState& s, const std::string& format) {
  auto sequence =
      r_.recordings.TakeSequence(world_.account_id, s.id, metadata::SequenceKind::kCycle);
  if (!sequence) return Error(sequence.error());
  int64_t now = clock_.NowMs();
  metadata::RecordCycleRow cycle{world_.account_id,
                                 NewId(clock_, r_.random),
                                 s.id,
                                 "sim-config",
                                 format,
                                 *sequence,
                                 PlanJson(o_, world_.account_id, s),
                                 metadata::CycleState::kOpen,
                                 true,
                                 std::nullopt,
                                 std::nullopt,
                                 now,
                                 "",
                                 std::nullopt};
  LIVEREC_RETURN_IF_ERROR(r_.recordings.InsertCycle(cycle));
  return cycle;
}

void StreamOps::Republish(StreamState& s) {
  auto t = Steady::now();
  Status left = Unpublish(s);
  log_.Record(Op::kUnpublish, MsSince(t), left.ok());
  if (!left.ok()) Warn("unpublish", s, left);
  t = Steady::now();
  Status back = Publish(s);
  log_.Record(Op::kPublish, MsSince(t), back.ok());
  if (!back.ok()) Warn("publish", s, back);
}

Status StreamOps::Unpublish(StreamState& s) {
  const std::string& account = world_.account_id;
  LIVEREC_RETURN_IF_ERROR(r_.recordings.SetCycleLive(account, s.m3u8_cycle, false, clock_.NowMs()));
  if (o_.mp4) {
    LIVEREC_RETURN_IF_ERROR(
        r_.recordings.SetCycleLive(account, s.mp4_cycle, false, clock_.NowMs()));
  }
  auto released = r_.leases.Release({kStreamLeaseKind, s.id},
                                    world_.holders[static_cast<size_t>(s.node)], s.lease_epoch);
  if (!released) return released.error();
  LIVEREC_RETURN_IF_ERROR(Enqueue(s, "publish_done"));
  return Enqueue(s, "record_paused");
}

Status StreamOps::Publish(StreamState& s) {
  const std::string& account = world_.account_id;
  auto lease = r_.leases.Acquire({kStreamLeaseKind, s.id},
                                 world_.holders[static_cast<size_t>(s.node)], o_.lease_s * 1000);
  if (!lease) return lease.error();
  std::atomic_ref<int64_t>(s.lease_epoch).store(lease->epoch);  // read by the heartbeat
  auto stream = r_.recordings.EnsureStream(account, kDomain, kApp, s.name);
  if (!stream) return stream.error();
  for (const char* format : {"m3u8", "mp4"}) {
    if (!o_.mp4 && std::string_view(format) == "mp4") continue;
    auto open = r_.recordings.FindOpenCycle(account, s.id, "sim-config", format);
    if (!open) return open.error();
    if (!*open) continue;
    if (std::string_view(format) == "m3u8") {
      auto stored = r_.index_files.Find(account, s.id, (*open)->id);
      if (!stored) return stored.error();
    }
    LIVEREC_RETURN_IF_ERROR(r_.recordings.SetCycleLive(account, (*open)->id, true, clock_.NowMs()));
  }
  LIVEREC_RETURN_IF_ERROR(Enqueue(s, "publish"));
  return Enqueue(s, "record_resumed");
}

Status StreamOps::Enqueue(const StreamState& s, const std::string& kind, const std::string& id) {
  callbacks::CallbackEvent event;
  event.account_id = world_.account_id;
  event.domain = kDomain;
  event.app = kApp;
  event.stream = s.name;
  event.kind = kind;
  event.id = id;
  if (kind == "publish" || kind == "publish_done") {
    event.url = "https://hooks.example.com/streams";
    event.method = "GET";
    event.query = fmt::format("action={}&ip=203.0.113.7&id={}&app={}&appname={}&time=1765000000",
                              kind, s.name, kDomain, kApp);
  } else {
    event.url = "https://hooks.example.com/record";
    event.body = kind == "file_created"
                     ? FileBody(s, s.id)
                     : fmt::format(R"({{"domain":"{}","app":"{}","stream":"{}","event":"{}"}})",
                                   kDomain, kApp, s.name, kind);
  }
  auto enqueued = r_.outbox.Enqueue(event);
  return enqueued ? Status::Ok() : enqueued.error();
}

}  // namespace liverec::bench
