#include "metadata/slice_intent_repository.h"

#include <sstream>

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "slice_id, account_id, stream_id, start_ms, end_ms, endpoint, bucket, key_base, video_codec, "
    "audio_codec, width, height, sequence, m3u8_cycle_id, discontinuity, held_cycle_ids, resumed, "
    "torn, created_at_ms";

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string joined;
  for (const auto& id : ids) joined += (joined.empty() ? "" : ",") + id;
  return joined;
}

std::vector<std::string> SplitIds(const std::string& joined) {
  std::vector<std::string> ids;
  std::stringstream in(joined);
  for (std::string id; std::getline(in, id, ',');) {
    if (!id.empty()) ids.push_back(id);
  }
  return ids;
}

SliceIntentRow ToIntent(const SqlRow& r) {
  SliceIntentRow intent;
  intent.slice_id = AsText(r[0]);
  SliceRow& s = intent.slice;
  s.account_id = AsText(r[1]);
  s.stream_id = AsText(r[2]);
  s.start_ms = AsInt(r[3]);
  s.end_ms = AsInt(r[4]);
  s.duration_ms = s.end_ms - s.start_ms;
  s.endpoint = AsText(r[5]);
  s.bucket = AsText(r[6]);
  s.object_key = AsText(r[7]);
  s.video_codec = AsText(r[8]);
  s.audio_codec = AsText(r[9]);
  s.width = static_cast<int>(AsInt(r[10]));
  s.height = static_cast<int>(AsInt(r[11]));
  s.sequence = AsInt(r[12]);
  s.cycle_id = AsText(r[13]);
  s.discontinuity = AsInt(r[14]) != 0;
  intent.held_cycle_ids = SplitIds(AsText(r[15]));
  intent.resumed = AsInt(r[16]) != 0;
  intent.torn = AsInt(r[17]) != 0;
  intent.created_at_ms = AsInt(r[18]);
  return intent;
}

}  // namespace

Status SliceIntentRepository::Insert(const SliceIntentRow& intent, const Fence* fence) {
  const SliceRow& s = intent.slice;
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute(
        "INSERT INTO slice_intents (" + std::string(kColumns) +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id, stream_id, slice_id) DO NOTHING",
        {intent.slice_id, s.account_id, s.stream_id, s.start_ms, s.end_ms, s.endpoint, s.bucket,
         s.object_key, s.video_codec, s.audio_codec, int64_t{s.width}, int64_t{s.height},
         s.sequence, s.cycle_id, int64_t{s.discontinuity ? 1 : 0}, JoinIds(intent.held_cycle_ids),
         int64_t{intent.resumed ? 1 : 0}, int64_t{intent.torn ? 1 : 0}, intent.created_at_ms});
    return r ? Status::Ok() : r.error();
  });
}

Status SliceIntentRepository::Delete(const std::string& account_id, const std::string& stream_id,
                                     const std::string& slice_id, const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute(
        "DELETE FROM slice_intents WHERE account_id = ? AND stream_id = ? AND slice_id = ?",
        {account_id, stream_id, slice_id});
    return r ? Status::Ok() : r.error();
  });
}

Result<std::vector<SliceIntentRow>> SliceIntentRepository::List(const std::string& account_id,
                                                                const std::string& stream_id) {
  auto rows = db_.Query("SELECT " + std::string(kColumns) +
                            " FROM slice_intents WHERE account_id = ? AND stream_id = ? "
                            "ORDER BY start_ms, slice_id",
                        {account_id, stream_id});
  if (!rows) return Error(rows.error());
  std::vector<SliceIntentRow> intents;
  for (const auto& row : *rows) intents.push_back(ToIntent(row));
  return intents;
}

Result<std::optional<std::string>> SliceIntentRepository::IndexedKey(const std::string& account_id,
                                                                     const std::string& stream_id,
                                                                     int64_t start_ms) {
  auto rows = db_.Query(
      "SELECT object_key FROM slices WHERE account_id = ? AND stream_id = ? AND start_ms = ?",
      {account_id, stream_id, start_ms});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsText(rows->front()[0]));
}

Result<bool> SliceIntentRepository::ObjectIndexed(const std::string& account_id,
                                                  const std::string& stream_id,
                                                  const std::string& key) {
  auto rows = db_.Query(
      "SELECT 1 FROM slices WHERE account_id = ? AND stream_id = ? AND object_key = ? LIMIT 1",
      {account_id, stream_id, key});
  if (!rows) return Error(rows.error());
  return !rows->empty();
}

}  // namespace liverec::metadata
