// The slice index's columns and their mapping to SliceRow, shared by the repositories that read
// the `slices` table. Internal to the metadata layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metadata/rows.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

inline constexpr std::string_view kSliceColumns =
    "account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, bucket, object_key, "
    "video_codec, audio_codec, width, height, sequence, cycle_id, discontinuity";

// A row selected with kSliceColumns, in that order.
inline SliceRow ToSliceRow(const SqlRowView& r) {
  return SliceRow{std::string(r.Text(0)),
                  std::string(r.Text(1)),
                  r.Int(2),
                  r.Int(3),
                  r.Int(4),
                  r.Int(5),
                  std::string(r.Text(6)),
                  std::string(r.Text(7)),
                  std::string(r.Text(8)),
                  std::string(r.Text(9)),
                  std::string(r.Text(10)),
                  static_cast<int>(r.Int(11)),
                  static_cast<int>(r.Int(12)),
                  r.Int(13),
                  std::string(r.Text(14)),
                  r.Int(15) != 0};
}

// Runs a SELECT of kSliceColumns and collects its rows, reading each once.
inline Result<std::vector<SliceRow>> QuerySlices(SqlSession& db, std::string_view sql,
                                                 const std::vector<SqlValue>& args) {
  std::vector<SliceRow> slices;
  Status status = db.QueryEach(sql, args, [&](const SqlRowView& row) {
    slices.push_back(ToSliceRow(row));
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  return slices;
}

}  // namespace liverec::metadata
