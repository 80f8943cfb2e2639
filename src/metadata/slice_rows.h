// The slice index's columns and their mapping to SliceRow, shared by the repositories that read
// the `slices` table. Internal to the metadata layer.
#pragma once

#include <string_view>

#include "metadata/rows.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

inline constexpr std::string_view kSliceColumns =
    "account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, bucket, object_key, "
    "video_codec, audio_codec, width, height, sequence, cycle_id, discontinuity";

// A row selected with kSliceColumns, in that order.
inline SliceRow ToSliceRow(const SqlRow& r) {
  return SliceRow{AsText(r[0]),  AsText(r[1]),  AsInt(r[2]),  AsInt(r[3]),
                  AsInt(r[4]),   AsInt(r[5]),   AsText(r[6]), AsText(r[7]),
                  AsText(r[8]),  AsText(r[9]),  AsText(r[10]), static_cast<int>(AsInt(r[11])),
                  static_cast<int>(AsInt(r[12])), AsInt(r[13]), AsText(r[14]), AsInt(r[15]) != 0};
}

}  // namespace liverec::metadata
