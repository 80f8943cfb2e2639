// SpoolUsage: what the spool holds, for /metrics (docs/operations.md): the upload backlog —
// closed slices that wait to be finished (stored in their bucket and indexed), i.e. the
// <spool>/<stream_id>/<slice_id>.ts files of spool.h — and the bytes of every file under the
// spool root (slices being written, held slices of MP4/FLV cycles, files being composed), and the
// age of the backlog (the close time of its oldest slice).
// MeasureSpoolUsage walks the directory tree and stops after `max_entries` entries, so one
// measurement costs a bounded amount however large a backlog grows; the caller caches it.
// Thread-safety: a pure function of the file system; files that come and go during the walk
// are skipped.
#pragma once

#include <cstdint>
#include <optional>

#include "recorder/spool.h"

namespace liverec::recorder {

struct SpoolUsage {
  int64_t backlog_slices = 0;  // closed slices not finished yet
  int64_t backlog_bytes = 0;
  // When the oldest of those slices was closed (its file's last write, UNIX ms); none when the
  // backlog is empty. Now minus this is the upload lag: how long what waits has waited.
  std::optional<int64_t> oldest_backlog_ms;
  int64_t total_bytes = 0;  // every file under the spool root
  bool complete = true;     // false: the walk stopped at max_entries (the counts are lower)
};

SpoolUsage MeasureSpoolUsage(const Spool& spool, int64_t max_entries = 200'000);

}  // namespace liverec::recorder
