// file_created announcements of m3u8 cycle playlists across failures and simulated crashes: a
// failed call is retried a minute later, a crash before or after the call is made good at the next
// start (AnnouncePending), and a cycle closed again after a crash reuses its stored playlist. A
// crash is modelled by an exception thrown from the events: it unwinds out of the CycleManager, so
// nothing after the call runs (every database write before it is committed, as with SIGKILL); the
// test then builds a new CycleManager over the same database and bucket. Fake clock; no sleeps.
#include <gtest/gtest.h>

#include "recorder/m3u8_cycle_test_fixture.h"

namespace liverec::recorder {
namespace {

struct SimulatedCrash {};

// Keeps every file it is told about; the next call can fail, or crash before or after keeping it.
class ScriptedEvents final : public RecordingEvents {
 public:
  enum class Next { kKeep, kFail, kCrashBefore, kCrashAfter };
  Status FileCreated(const CreatedFile& file) override {
    Next now = next;
    next = Next::kKeep;
    if (now == Next::kCrashBefore) throw SimulatedCrash{};
    if (now == Next::kFail) return Status(ErrorCode::kInternalError, "", "database is locked");
    files.push_back(file);
    if (now == Next::kCrashAfter) throw SimulatedCrash{};
    return Status::Ok();
  }
  Next next = Next::kKeep;
  std::vector<CreatedFile> files;
};

class CycleAnnouncementsTest : public M3u8CycleTest {
 protected:
  void SetUp() override {
    M3u8CycleTest::SetUp();
    Restart(&events_);
  }
  // The cycle's playlist row.
  metadata::IndexFileRow Playlist(const std::string& cycle_id) {
    auto row = index_files_->Find(account_, stream_id_, cycle_id);
    EXPECT_TRUE(row.has_value() && row->has_value());
    return row && *row ? **row : metadata::IndexFileRow{};
  }
  // Closes the cycles past DelayTime, which crashes.
  void CloseAndCrash() {
    clock_.AdvanceMs(10'000);
    EXPECT_THROW((void)cycles_->CloseExpired(), SimulatedCrash);
  }

  ScriptedEvents events_;
};

TEST_F(CycleAnnouncementsTest, APlaylistIsAnnouncedOnceWithItsPlanAndMarked) {
  std::string cycle = Record(Plan(), 3);
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  ASSERT_EQ(events_.files.size(), 1u);
  const CreatedFile& file = events_.files[0];
  EXPECT_EQ(file.record_id, cycle);
  EXPECT_EQ(file.cycle_id, cycle);
  EXPECT_EQ(file.format, "m3u8");
  EXPECT_EQ(file.domain, "a.com");
  EXPECT_EQ(file.object_key, Playlists().at(0));
  EXPECT_EQ(file.duration_ms, 3000);
  EXPECT_EQ(file.push_args, (std::map<std::string, std::string>{{"callback_id", "7"}}));
  EXPECT_TRUE(Playlist(cycle).announced);
  EXPECT_TRUE(index_files_->ListUnannounced()->empty());
  ASSERT_TRUE(cycles_->AnnouncePending().ok());
  EXPECT_EQ(events_.files.size(), 1u) << "an announced file is not announced again";
}

TEST_F(CycleAnnouncementsTest, AFailedCallIsMadeAgainAMinuteLaterAndOnlyThen) {
  std::string cycle = Record(Plan(), 2);
  events_.next = ScriptedEvents::Next::kFail;
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok()) << "the recording is not held up by its callback";
  EXPECT_EQ(Cycle(cycle).state, metadata::CycleState::kClosed);
  EXPECT_TRUE(events_.files.empty());
  EXPECT_FALSE(Playlist(cycle).announced);

  clock_.AdvanceMs(CycleManager::kAnnounceRetryMs - 1);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_TRUE(events_.files.empty());
  clock_.AdvanceMs(1);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  ASSERT_EQ(events_.files.size(), 1u);
  EXPECT_EQ(events_.files[0].record_id, cycle);
  EXPECT_EQ(events_.files[0].push_args.at("callback_id"), "7") << "rebuilt from the cycle's plan";
  EXPECT_TRUE(Playlist(cycle).announced);
  clock_.AdvanceMs(10 * CycleManager::kAnnounceRetryMs);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(events_.files.size(), 1u);
}

TEST_F(CycleAnnouncementsTest, ACrashBeforeTheCallIsAnnouncedAtStartAndTheCycleReusesItsPlaylist) {
  std::string cycle = Record(Plan(), 3);
  events_.next = ScriptedEvents::Next::kCrashBefore;
  CloseAndCrash();
  // What the crash left: the playlist stored and its row written, unannounced; the cycle
  // closing.
  ASSERT_EQ(Playlists().size(), 1u);
  std::string key = Playlists()[0];
  EXPECT_FALSE(Playlist(cycle).announced);
  EXPECT_EQ(Cycle(cycle).state, metadata::CycleState::kClosing);
  EXPECT_TRUE(events_.files.empty());

  Restart(&events_);
  ASSERT_TRUE(cycles_->AnnouncePending().ok());
  ASSERT_EQ(events_.files.size(), 1u);
  EXPECT_EQ(events_.files[0].record_id, cycle);
  EXPECT_EQ(events_.files[0].object_key, key);
  EXPECT_EQ(events_.files[0].duration_ms, 3000);
  EXPECT_TRUE(Playlist(cycle).announced);
  // The cycle closes on the stored playlist: no second copy, no second row, no second call.
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(Cycle(cycle).state, metadata::CycleState::kClosed);
  EXPECT_EQ(Cycle(cycle).object_key, key);
  EXPECT_EQ(Playlists(), std::vector<std::string>{key});
  EXPECT_EQ(events_.files.size(), 1u);
}

TEST_F(CycleAnnouncementsTest, ACycleClosedAfterACrashAnnouncesItsUnannouncedPlaylistItself) {
  // The periodic close may come before the recovery's AnnouncePending.
  std::string cycle = Record(Plan(), 2);
  events_.next = ScriptedEvents::Next::kCrashBefore;
  CloseAndCrash();
  Restart(&events_);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  ASSERT_EQ(events_.files.size(), 1u);
  EXPECT_EQ(events_.files[0].record_id, cycle);
  EXPECT_EQ(Playlists().size(), 1u);
  EXPECT_EQ(Cycle(cycle).state, metadata::CycleState::kClosed);
  ASSERT_TRUE(cycles_->AnnouncePending().ok());
  EXPECT_EQ(events_.files.size(), 1u);
}

TEST_F(CycleAnnouncementsTest, APublishBackBeforeTheInterruptedCloseIsDoneStartsANewCycle) {
  // After the restart a publish comes back before the periodic close ran: the cycle whose close
  // began is not continued (its playlist would miss the new slices); the next periodic close
  // closes it on its stored playlist.
  std::string first = Record(Plan(), 2);
  events_.next = ScriptedEvents::Next::kCrashBefore;
  CloseAndCrash();
  std::string key = Playlists().at(0);
  Restart(&events_);
  std::string second = Record(Plan(), 2);
  EXPECT_NE(second, first);
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosing);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosed);
  EXPECT_EQ(Cycle(first).object_key, key);
  ASSERT_EQ(events_.files.size(), 1u);
  EXPECT_EQ(events_.files[0].record_id, first);
  EXPECT_EQ(events_.files[0].duration_ms, 2000) << "the first cycle keeps its own slices";
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  ASSERT_EQ(events_.files.size(), 2u);
  EXPECT_EQ(events_.files[1].record_id, second);
  EXPECT_EQ(events_.files[1].duration_ms, 2000);
  EXPECT_EQ(Playlists().size(), 2u);
}

TEST_F(CycleAnnouncementsTest, ACrashAfterTheCallTellsTheSameFileAgainAtStart) {
  // The events must be idempotent per record id (the outbox is: server/recording_callbacks_test).
  std::string cycle = Record(Plan(), 2);
  events_.next = ScriptedEvents::Next::kCrashAfter;
  CloseAndCrash();
  ASSERT_EQ(events_.files.size(), 1u);
  Restart(&events_);
  ASSERT_TRUE(cycles_->AnnouncePending().ok());
  ASSERT_EQ(events_.files.size(), 2u);
  EXPECT_EQ(events_.files[1].record_id, events_.files[0].record_id);
  EXPECT_EQ(events_.files[1].object_key, events_.files[0].object_key);
  EXPECT_EQ(events_.files[1].start_ms, events_.files[0].start_ms);
  EXPECT_EQ(events_.files[1].end_ms, events_.files[0].end_ms);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(events_.files.size(), 2u);
  EXPECT_EQ(Cycle(cycle).state, metadata::CycleState::kClosed);
}

TEST_F(CycleAnnouncementsTest, WithoutEventsRowsAreWrittenAnnounced) {
  Restart(nullptr);
  std::string cycle = Record(Plan(), 2);
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_TRUE(Playlist(cycle).announced) << "nobody to tell: nothing left to announce";
}

}  // namespace
}  // namespace liverec::recorder
