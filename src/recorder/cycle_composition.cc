// CycleManager, MP4/FLV side: composes a closing cycle's held spool slices into one file per
// codec configuration, stores each in the bucket and records it (record_files), then releases
// the slices. See docs/recording.md "MP4 and FLV recordings".
#include <filesystem>

#include <spdlog/spdlog.h>

#include "base/ids.h"
#include "media/compose/cycle_composer.h"
#include "recorder/cycle_manager.h"
#include "recorder/slice_staging.h"
#include "storage/object_key_template.h"
#include "storage/object_store.h"

namespace liverec::recorder {
namespace {

namespace fs = std::filesystem;

// Errors that composing again cannot fix: the cycle closes with the files made so far.
bool IsPermanent(const Status& error) {
  return error.code() == ErrorCode::kMediaUnsupported ||
         error.code() == ErrorCode::kMediaMalformed || error.code() == ErrorCode::kMuxerFailure;
}

}  // namespace

Status CycleManager::CloseComposedLocked(const metadata::RecordCycleRow& cycle,
                                         const RecordingPlan& plan, std::string& first_key,
                                         const metadata::Fence* fence) {
  auto listed = recordings_.ListHeldSlices(cycle.account_id, cycle.id);
  if (!listed) return listed.error();
  std::vector<metadata::HeldSliceRow> held;
  std::vector<std::string> paths;  // of each held slice: the spool's copy, or a fetched one
  for (const auto& h : *listed) {
    auto path = HeldSliceFileLocked(cycle, plan, h);
    if (!path) return path.error();  // retried later
    if (path->empty()) {
      spdlog::error("recorder: cycle {}: held slice {} is missing from the spool{}; left out",
                    cycle.id, h.slice_id, leases_ ? " and the bucket" : "");
      continue;
    }
    held.push_back(h);
    paths.push_back(*path);
  }
  auto stored = recordings_.ListCycleRecordFiles(cycle.account_id, cycle.id);
  if (!stored) return stored.error();
  size_t begin = 0;
  int64_t part = 0;
  for (const auto& f : *stored) {  // parts stored before a crash are not composed again
    begin = static_cast<size_t>(f.first_slice + f.slice_count);
    part = f.part + 1;
    if (first_key.empty()) first_key = f.object_key;
    AnnounceLocked(plan, f);  // if the crash came before its mark
  }
  while (begin < held.size()) {
    auto file = ComposePartLocked(cycle, plan, held, paths, begin, part, fence);
    if (!file && storage::IsPermanentStorageError(file.error())) {
      // The bucket refuses the file for good: its slices are kept aside, the cycle closes.
      std::string reason = file.error().ToString();
      spdlog::error(
          "recorder: {}/{}/{}: {} cycle {}: the bucket refuses the file (not retried): "
          "{}; its {} slice(s) are kept in {}/{}",
          plan.domain, plan.app, plan.stream, cycle.format, cycle.id, reason, held.size() - begin,
          spool_.FailedRoot(), cycle.stream_id);
      for (size_t i = begin; i < held.size(); ++i) {
        Status kept = spool_.SetAsideHeld(held[i].stream_id, held[i].slice_id, reason);
        if (!kept.ok()) return kept;  // retried later: nothing is released before it is kept
      }
      AnnounceError(plan, "the bucket refuses the " + cycle.format + " file: " + reason);
      break;
    }
    if (!file) {
      if (!IsPermanent(file.error())) return file.error();  // retried later
      spdlog::error("recorder: {}/{}/{}: {} cycle {}: slices from {} not composed: {}", plan.domain,
                    plan.app, plan.stream, cycle.format, cycle.id, begin, file.error().ToString());
      break;
    }
    if (first_key.empty()) first_key = file->object_key;
    begin += static_cast<size_t>(file->slice_count);
    ++part;
  }
  LIVEREC_RETURN_IF_ERROR(recordings_.DeleteHeldSlices(cycle.account_id, cycle.id, fence));
  ReleaseHeldLocked(*listed, stores_(plan.endpoint, plan.bucket));
  std::error_code ec;
  fs::remove_all(FetchedDir(cycle), ec);
  return Status::Ok();
}

std::string CycleManager::FetchedDir(const metadata::RecordCycleRow& cycle) const {
  return spool_.ComposeRoot() + "/" + cycle.id + "-fetched";
}

Result<std::string> CycleManager::HeldSliceFileLocked(const metadata::RecordCycleRow& cycle,
                                                      const RecordingPlan& plan,
                                                      const metadata::HeldSliceRow& held) {
  std::string local = spool_.HeldPath(held.stream_id, held.slice_id);
  std::error_code ec;
  if (fs::exists(local, ec)) return local;
  if (!leases_) return std::string();
  // Another node recorded it (a publisher that moved, a node that died): its staged copy.
  storage::ObjectStore* store = stores_(plan.endpoint, plan.bucket);
  if (!store) {
    return Error(ErrorCode::kInvalidOssBucketNotFound, "",
                 "bucket " + plan.endpoint + "/" + plan.bucket + " is not declared");
  }
  fs::create_directories(FetchedDir(cycle), ec);
  std::string fetched = FetchedDir(cycle) + "/" + held.slice_id + ".ts";
  Status status = FetchStagedSlice(*store, held.stream_id, held.slice_id, fetched);
  if (status.code() == ErrorCode::kObjectNotFound) return std::string();
  if (!status.ok()) return Error(status);
  return fetched;
}

Result<metadata::RecordFileRow> CycleManager::ComposePartLocked(
    const metadata::RecordCycleRow& cycle, const RecordingPlan& plan,
    const std::vector<metadata::HeldSliceRow>& held, const std::vector<std::string>& held_paths,
    size_t begin, int64_t part, const metadata::Fence* fence) {
  storage::ObjectStore* store = stores_(plan.endpoint, plan.bucket);
  if (!store) {
    return Error(ErrorCode::kInvalidOssBucketNotFound, "",
                 "bucket " + plan.endpoint + "/" + plan.bucket + " is not declared");
  }
  std::vector<std::string> paths;
  media::compose::ComposeOptions options;
  options.mp4_writer = mp4_writer_;
  for (size_t i = begin; i < held.size(); ++i) {
    paths.push_back(held_paths[i]);
    if (i > begin && held[i].resumed) options.resumed_slices.push_back(i - begin);
    if (held[i].torn) options.torn_slices.push_back(i - begin);
  }
  bool mp4 = cycle.format == "mp4";
  std::string output = spool_.ComposePath(cycle.id, part, cycle.format);
  std::error_code ec;
  fs::create_directories(spool_.ComposeRoot(), ec);
  auto report = media::compose::ComposeCycle(
      paths, mp4 ? media::compose::ContainerFormat::kMp4 : media::compose::ContainerFormat::kFlv,
      output, options);
  if (!report) return Error(report.error());
  if (report->slices_composed == 0) {
    fs::remove(output, ec);
    return Error(ErrorCode::kMediaMalformed, "", "no slice composed");
  }
  const auto& first = held[begin];
  const auto& last = held[begin + report->slices_composed - 1];
  const PlanFormat* format = plan.Find(cycle.format);
  storage::TemplateValues values{plan.app,       plan.stream,
                                 cycle.sequence, first.start_ms,
                                 last.end_ms,    int64_t{plan.time_zone_minutes} * 60'000};
  std::string base =
      storage::RenderObjectKey(format ? format->object_template : std::string(), values, "");
  base += PartSuffix(part);  // the parts of a cycle never take each other's names
  auto key = PutWithoutOverwrite(base, "." + cycle.format,
                                 [&](const std::string& k) { return store->PutFile(k, output); });
  fs::remove(output, ec);
  if (!key) return Error(key.error());
  metadata::RecordFileRow row{cycle.account_id,
                              NewId(clock_, random_),
                              cycle.stream_id,
                              cycle.id,
                              part,
                              static_cast<int64_t>(begin),
                              static_cast<int64_t>(report->slices_composed),
                              cycle.format,
                              plan.endpoint,
                              plan.bucket,
                              *key,
                              first.start_ms,
                              last.end_ms,
                              report->duration_ms,
                              report->width,
                              report->height,
                              static_cast<int64_t>(report->bytes),
                              clock_.NowMs()};
  row.announced = events_ == nullptr;  // nobody to tell
  Status inserted = recordings_.InsertRecordFile(row, fence);
  if (inserted.code() == ErrorCode::kLeaseLost) DeleteStaleObject(*store, *key, inserted);
  LIVEREC_RETURN_IF_ERROR(inserted);
  spdlog::info("recorder: {}/{}/{}: {} stored ({} slices, {} ms{})", plan.domain, plan.app,
               plan.stream, *key, row.slice_count, row.duration_ms,
               report->parameter_change_at ? ", the next slice changes parameters" : "");
  AnnounceLocked(plan, row);
  return row;
}

void CycleManager::ReleaseHeldLocked(const std::vector<metadata::HeldSliceRow>& held,
                                     storage::ObjectStore* store) {
  for (const auto& h : held) {
    auto uses = recordings_.CountHeldSliceUses(h.account_id, h.slice_id);
    if (!uses || *uses > 0) continue;  // another format's cycle still needs it
    std::error_code ec;
    fs::remove(spool_.HeldPath(h.stream_id, h.slice_id), ec);
    if (leases_ && store) DeleteStagedSlice(*store, h.stream_id, h.slice_id);
  }
}

Status CycleManager::SweepSpool() {
  std::unique_lock gate(compose_gate_);  // no composition runs now
  std::error_code ec;
  fs::remove_all(spool_.ComposeRoot(), ec);
  if (!fs::exists(spool_.HeldRoot(), ec)) return Status::Ok();
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(spool_.HeldRoot(), ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".ts") files.push_back(entry.path());
  }
  for (const auto& file : files) {
    auto held = recordings_.IsSliceHeld(file.stem().string());
    if (!held) return held.error();
    if (!*held) {
      spdlog::info("recovery: held slice {} is used by no cycle; removed", file.string());
      fs::remove(file, ec);
    }
  }
  return Status::Ok();
}

}  // namespace liverec::recorder
