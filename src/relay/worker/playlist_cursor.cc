#include "relay/worker/playlist_cursor.h"

namespace liverec::relay::worker {

PlaylistCursor::PlaylistCursor(int file_count, int file_index, int64_t offset_s, int repeat_number)
    : file_count_(file_count), position_{file_index, offset_s, repeat_number} {}

bool PlaylistCursor::Advance() {
  position_.offset_s = 0;
  if (position_.file_index + 1 < file_count_) {
    ++position_.file_index;
    return true;
  }
  if (position_.remaining_repeats == 0) return false;
  if (position_.remaining_repeats > 0) --position_.remaining_repeats;
  position_.file_index = 0;
  return true;
}

}  // namespace liverec::relay::worker
