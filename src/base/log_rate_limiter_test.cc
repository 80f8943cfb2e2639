#include "base/log_rate_limiter.h"

#include <gtest/gtest.h>

namespace liverec {
namespace {

using spdlog::level::debug;
using spdlog::level::err;
using spdlog::level::warn;

int Admitted(LogRateLimiter& limiter, std::string_view source, int lines, int64_t now_ms,
             std::vector<LogRateLimiter::Note>& notes, spdlog::level::level_enum level = warn) {
  int admitted = 0;
  for (int i = 0; i < lines; ++i) admitted += limiter.Admit(source, level, now_ms, notes) ? 1 : 0;
  return admitted;
}

TEST(LogRateLimiterTest, AFloodFromOneSourceIsCutToTheLimitPerWindow) {
  LogRateLimiter limiter({.lines_per_window = 10, .window_ms = 1000});
  std::vector<LogRateLimiter::Note> notes;
  EXPECT_EQ(Admitted(limiter, "mp4", 25, 5000, notes), 10);
  EXPECT_EQ(Admitted(limiter, "mp4", 5, 5999, notes), 0) << "the same window";
  EXPECT_TRUE(notes.empty()) << "no note before the window ends";
  EXPECT_EQ(Admitted(limiter, "mp4", 3, 6000, notes), 3) << "a new window";
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].source, "mp4");
  EXPECT_EQ(notes[0].suppressed, 20);
}

TEST(LogRateLimiterTest, SourcesHaveTheirOwnBudgets) {
  LogRateLimiter limiter({.lines_per_window = 2, .window_ms = 1000});
  std::vector<LogRateLimiter::Note> notes;
  EXPECT_EQ(Admitted(limiter, "mp4", 5, 0, notes), 2);
  EXPECT_EQ(Admitted(limiter, "h264", 5, 0, notes), 2) << "a flood of mp4 does not silence h264";
}

TEST(LogRateLimiterTest, TheNoteComesWithTheNextLineOfAnySourceAtTheMostSevereLevel) {
  LogRateLimiter limiter({.lines_per_window = 1, .window_ms = 1000});
  std::vector<LogRateLimiter::Note> notes;
  Admitted(limiter, "mpegts", 1, 0, notes, debug);
  Admitted(limiter, "mpegts", 2, 10, notes, debug);
  Admitted(limiter, "mpegts", 1, 20, notes, err);
  EXPECT_TRUE(limiter.Admit("flv", warn, 1500, notes)) << "another source, after the window";
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].source, "mpegts");
  EXPECT_EQ(notes[0].suppressed, 3);
  EXPECT_EQ(notes[0].level, err);
  notes.clear();
  limiter.Admit("flv", warn, 3000, notes);
  EXPECT_TRUE(notes.empty()) << "each note is reported once";
}

TEST(LogRateLimiterTest, AClockSteppingBackStartsANewWindow) {
  LogRateLimiter limiter({.lines_per_window = 1, .window_ms = 1000});
  std::vector<LogRateLimiter::Note> notes;
  EXPECT_EQ(Admitted(limiter, "mp4", 3, 10'000, notes), 1);
  EXPECT_EQ(Admitted(limiter, "mp4", 1, 2'000, notes), 1);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].suppressed, 2);
}

TEST(LogRateLimiterTest, TooManySourcesShareOneBudget) {
  LogRateLimiter limiter({.lines_per_window = 1, .window_ms = 1000, .max_sources = 2});
  std::vector<LogRateLimiter::Note> notes;
  EXPECT_TRUE(limiter.Admit("a", warn, 0, notes));
  EXPECT_TRUE(limiter.Admit("b", warn, 0, notes));
  EXPECT_TRUE(limiter.Admit("c", warn, 0, notes));
  EXPECT_FALSE(limiter.Admit("d", warn, 0, notes)) << "c and d share the budget of other sources";
  limiter.Admit("a", warn, 1000, notes);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].source, "(other sources)");
}

}  // namespace
}  // namespace liverec
