// PlaylistCursor: the order in which a `url` source plays its files (docs/api/relay.md: FileIndex,
// Offset, RepeatNumber). The first pass starts at file `file_index`, `offset_s` seconds in —
// a resume point, as CurrentFileIndex/CurrentOffset report it — and runs to the end of the
// list; every repeat then plays the whole list from file 0 at 0 s. RepeatNumber 0 plays once,
// n > 0 adds n full passes, -1 repeats forever.
// Thread-safety: a plain value; not synchronised.
#pragma once

#include <cstdint>

namespace liverec::relay::worker {

struct PlaylistPosition {
  int file_index = 0;
  int64_t offset_s = 0;       // where to start in this file (non-zero only on the first one)
  int remaining_repeats = 0;  // full passes after the current one (-1: forever)
};

class PlaylistCursor {
 public:
  PlaylistCursor(int file_count, int file_index, int64_t offset_s, int repeat_number);

  const PlaylistPosition& Current() const { return position_; }
  // True when the current file is the first of a pass over the whole list (a wrap).
  bool AtPassStart() const { return position_.file_index == 0; }

  // Moves to the next file to play; false when the playlist and its repeats are done.
  bool Advance();

  // RepeatNumber changed while playing: `remaining` full passes follow this one.
  void SetRemainingRepeats(int remaining) { position_.remaining_repeats = remaining; }

 private:
  int file_count_;
  PlaylistPosition position_;
};

}  // namespace liverec::relay::worker
