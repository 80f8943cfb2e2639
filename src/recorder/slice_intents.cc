#include "recorder/slice_intents.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include <spdlog/spdlog.h>

#include "recorder/slice_staging.h"
#include "storage/object_key_template.h"

namespace liverec::recorder {
namespace {

// The name the slice's m3u8 object was stored under: the first of `<base>.ts`, `<base>_1.ts`,
// ... that exists and that no slice row names ("" when none is stored), and its size.
Result<std::pair<std::string, int64_t>> FindStoredSlice(metadata::SliceIntentRepository& intents,
                                                        storage::ObjectStore& store,
                                                        const metadata::SliceRow& slice) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string key =
        slice.object_key + (attempt == 0 ? std::string() : "_" + std::to_string(attempt)) + ".ts";
    auto info = store.Head(key);
    if (!info && info.error().code() == ErrorCode::kObjectNotFound) break;
    if (!info) return Error(info.error());
    auto named = intents.ObjectIndexed(slice.account_id, slice.stream_id, key);
    if (!named) return Error(named.error());
    if (!*named) return std::pair{key, static_cast<int64_t>(info->size)};
  }
  return std::pair{std::string(), int64_t{0}};
}

// Records the adopted slice's times in its cycle, never moving them back.
Status TouchAdopted(metadata::RecordingRepository& recordings, const std::string& account_id,
                    const std::string& cycle_id, int64_t start_ms, int64_t end_ms,
                    const metadata::Fence& fence) {
  auto cycle = recordings.FindCycle(account_id, cycle_id);
  if (!cycle) return cycle.error();
  if (!*cycle) return Status::Ok();
  int64_t end = std::max(end_ms, (*cycle)->end_ms.value_or(0));
  int64_t activity = std::max(end_ms, (*cycle)->last_activity_ms);
  return recordings.TouchCycle(account_id, cycle_id, start_ms, end, activity, &fence);
}

// Copies the object `from` to `to` (a slice: a few MB).
Status CopyObject(storage::ObjectStore& store, const std::string& from, const std::string& to) {
  auto bytes = store.Get(from);
  if (!bytes) return bytes.error();
  return store.PutBytes(to, *bytes);
}

Status AdoptOne(metadata::SliceIntentRepository& intents, metadata::RecordingRepository& recordings,
                storage::ObjectStore& store, const metadata::SliceIntentRow& intent,
                const metadata::Fence& fence) {
  const metadata::SliceRow& slice = intent.slice;
  bool m3u8 = !slice.object_key.empty() && !slice.cycle_id.empty();
  bool held = !intent.held_cycle_ids.empty();
  std::string staged_key = StagedSliceKey(slice.stream_id, intent.slice_id);
  // Where the slice's bytes are in the bucket: its m3u8 object (indexed or not), its staged copy.
  std::optional<std::string> indexed;
  std::string stored;
  int64_t stored_bytes = 0;
  if (m3u8) {
    auto key = intents.IndexedKey(slice.account_id, slice.stream_id, slice.start_ms);
    if (!key) return key.error();
    indexed = *key;
    if (!indexed) {
      auto found = FindStoredSlice(intents, store, slice);
      if (!found) return found.error();
      std::tie(stored, stored_bytes) = *found;
    }
  }
  bool staged = false;
  if (held || (m3u8 && !indexed && stored.empty())) {
    auto info = store.Head(staged_key);
    if (!info && info.error().code() != ErrorCode::kObjectNotFound) return info.error();
    staged = info.has_value();
    if (staged && stored.empty()) stored_bytes = static_cast<int64_t>(info->size);
  }
  // Whichever copy reached the bucket makes the other: the slice is then in the playlist and in
  // the files alike.
  std::string adopted = indexed ? "indexed already" : "";
  if (m3u8 && !indexed && stored.empty() && staged) {
    auto key = PutWithoutOverwrite(slice.object_key, ".ts", [&](const std::string& k) {
      return CopyObject(store, staged_key, k);
    });
    if (!key) return key.error();
    stored = *key;
  }
  if (m3u8 && !indexed && !stored.empty()) {
    metadata::SliceRow row = slice;
    row.object_key = stored;
    row.bytes = stored_bytes;
    LIVEREC_RETURN_IF_ERROR(recordings.InsertSlice(row, &fence));
    LIVEREC_RETURN_IF_ERROR(TouchAdopted(recordings, slice.account_id, slice.cycle_id,
                                         slice.start_ms, slice.end_ms, fence));
    adopted = "indexed as " + stored;
    indexed = stored;
  }
  if (held && !staged && indexed) {
    LIVEREC_RETURN_IF_ERROR(CopyObject(store, *indexed, staged_key));
    staged = true;
  }
  if (held && staged) {
    for (const auto& cycle_id : intent.held_cycle_ids) {
      metadata::HeldSliceRow row{slice.account_id,  cycle_id,          intent.slice_id,
                                 slice.stream_id,   slice.start_ms,    slice.end_ms,
                                 slice.video_codec, slice.audio_codec, slice.width,
                                 slice.height,      intent.resumed,    intent.torn};
      LIVEREC_RETURN_IF_ERROR(recordings.InsertHeldSlice(row, &fence));
      LIVEREC_RETURN_IF_ERROR(TouchAdopted(recordings, slice.account_id, cycle_id, slice.start_ms,
                                           slice.end_ms, fence));
    }
    adopted += std::string(adopted.empty() ? "" : ", ") + "held by its MP4/FLV cycles";
  }
  spdlog::warn(
      "recorder: stream {}: slice {} ({} ms) left half-stored by a node that lost the stream: {}",
      slice.stream_id, intent.slice_id, slice.end_ms - slice.start_ms,
      adopted.empty() ? "not in the bucket, not recorded" : adopted);
  return intents.Delete(slice.account_id, slice.stream_id, intent.slice_id, &fence);
}

}  // namespace

std::string SliceKeyBase(const SpoolSlice& slice) {
  const RecordingPlan& plan = slice.plan;
  storage::TemplateValues values{plan.app,       plan.stream,
                                 slice.sequence, slice.start_ms,
                                 slice.end_ms,   int64_t{plan.time_zone_minutes} * 60'000};
  return storage::RenderObjectKey(plan.slice_template, values, "");
}

metadata::SliceRow SliceRowOf(const SpoolSlice& slice, const metadata::RecordCycleRow& cycle,
                              std::string key, int64_t bytes) {
  const RecordingPlan& plan = slice.plan;
  return metadata::SliceRow{
      plan.account_id,
      plan.stream_id,
      slice.start_ms,
      slice.end_ms,
      slice.end_ms - slice.start_ms,
      bytes,
      plan.endpoint,
      plan.bucket,
      std::move(key),
      slice.video_codec,
      slice.audio_codec,
      slice.width,
      slice.height,
      slice.sequence,
      cycle.id,
      slice.discontinuity || (slice.publish_start && cycle.start_ms.has_value())};
}

metadata::SliceIntentRow IntentOf(const SpoolSlice& slice,
                                  const std::vector<metadata::RecordCycleRow>& cycles,
                                  int64_t now_ms) {
  metadata::SliceIntentRow intent;
  intent.slice_id = slice.id;
  // Without an m3u8 cycle: no key, no cycle (the row only carries the slice's description).
  metadata::RecordCycleRow none;
  intent.slice = SliceRowOf(slice, none, "", 0);
  for (const auto& cycle : cycles) {
    if (cycle.format == "m3u8") {
      intent.slice = SliceRowOf(slice, cycle, SliceKeyBase(slice), 0);
    } else {
      intent.held_cycle_ids.push_back(cycle.id);
    }
  }
  intent.resumed = slice.publish_start || slice.discontinuity;
  intent.torn = slice.torn;
  intent.created_at_ms = now_ms;
  return intent;
}

Status AdoptSliceIntents(metadata::SliceIntentRepository& intents,
                         metadata::RecordingRepository& recordings, const StoreLookup& stores,
                         const std::string& account_id, const std::string& stream_id,
                         const metadata::Fence& fence) {
  auto listed = intents.List(account_id, stream_id);
  if (!listed) return listed.error();
  for (const auto& intent : *listed) {
    storage::ObjectStore* store = stores(intent.slice.endpoint, intent.slice.bucket);
    if (!store) {
      spdlog::warn(
          "recorder: stream {}: slice {} left half-stored in bucket {}/{}, which is not "
          "declared any more: dropped",
          stream_id, intent.slice_id, intent.slice.endpoint, intent.slice.bucket);
      LIVEREC_RETURN_IF_ERROR(intents.Delete(account_id, stream_id, intent.slice_id, &fence));
      continue;
    }
    LIVEREC_RETURN_IF_ERROR(AdoptOne(intents, recordings, *store, intent, fence));
  }
  return Status::Ok();
}

}  // namespace liverec::recorder
