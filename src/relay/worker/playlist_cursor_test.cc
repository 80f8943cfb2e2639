#include "relay/worker/playlist_cursor.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace liverec::relay::worker {
namespace {

// (file, offset) of every file the cursor plays, up to `limit`.
std::vector<std::pair<int, int64_t>> Order(PlaylistCursor cursor, int limit = 20) {
  std::vector<std::pair<int, int64_t>> order;
  do {
    order.emplace_back(cursor.Current().file_index, cursor.Current().offset_s);
  } while (static_cast<int>(order.size()) < limit && cursor.Advance());
  return order;
}

using Played = std::vector<std::pair<int, int64_t>>;

TEST(PlaylistCursorTest, PlaysOnceFromFileIndexAtOffsetWhenRepeatNumberIsZero) {
  EXPECT_EQ(Order(PlaylistCursor(3, 1, 7, 0)), (Played{{1, 7}, {2, 0}}));
}

TEST(PlaylistCursorTest, RepeatsPlayTheWholeListFromTheStart) {
  EXPECT_EQ(Order(PlaylistCursor(2, 1, 2, 1)), (Played{{1, 2}, {0, 0}, {1, 0}}));
  EXPECT_EQ(Order(PlaylistCursor(2, 0, 0, 2)),
            (Played{{0, 0}, {1, 0}, {0, 0}, {1, 0}, {0, 0}, {1, 0}}));
}

TEST(PlaylistCursorTest, MinusOneRepeatsForeverAndCountsNothingDown) {
  PlaylistCursor cursor(1, 0, 0, -1);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(cursor.Advance());
  EXPECT_EQ(cursor.Current().remaining_repeats, -1);
}

TEST(PlaylistCursorTest, RemainingRepeatsCountDownAtEachWrap) {
  PlaylistCursor cursor(2, 0, 0, 1);
  EXPECT_EQ(cursor.Current().remaining_repeats, 1);
  ASSERT_TRUE(cursor.Advance());
  EXPECT_EQ(cursor.Current().remaining_repeats, 1);
  ASSERT_TRUE(cursor.Advance());
  EXPECT_TRUE(cursor.AtPassStart());
  EXPECT_EQ(cursor.Current().remaining_repeats, 0);
}

}  // namespace
}  // namespace liverec::relay::worker
