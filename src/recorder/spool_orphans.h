// SweepSpoolOrphans: at recovery, before the sidecars are read, deals with what a crash can
// leave in the spool's stream directories that no sidecar describes. A slice's sidecar is
// written just after its .part file is created (off the I/O thread), so a kill in between
// leaves a .part with no sidecar, or with the sidecar still under its temporary name.
//   - `<id>.json.tmp`: renamed over `<id>.json` when it parses as a whole sidecar (it is the
//     newest state: written, the rename had not happened yet: e.g. the closed sidecar of a
//     slice already renamed to .ts); removed otherwise;
//   - `<id>.ts.part` with no `<id>.json`: removed when empty (nothing was written to it), else
//     moved to `<spool>/orphans/<stream_id>/` and logged as an error: recorded bytes are never
//     deleted, but without a sidecar they cannot be attributed to a recording automatically.
// Thread-safety: call once, before recording starts.
#pragma once

#include "recorder/spool.h"

namespace liverec::recorder {

struct OrphanSweep {
  int sidecars_restored = 0;
  int temp_files_removed = 0;
  int empty_parts_removed = 0;
  int parts_moved = 0;
};

OrphanSweep SweepSpoolOrphans(const Spool& spool);

}  // namespace liverec::recorder
