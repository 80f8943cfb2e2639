#include "relay/task_commands.h"

#include <gtest/gtest.h>

namespace liverec::relay {
namespace {

constexpr int64_t kNow = 1'767'225'600'000;
constexpr int64_t kHour = 3600'000;

RelayTask UrlTask(TaskStatus status) {
  RelayTask t;
  t.task_id = "t1";
  t.region = "cn-shanghai";
  t.start_time_ms = kNow - kHour;
  t.end_time_ms = kNow + kHour;
  t.source_type = "url";
  t.source_urls = {"http://f.example.com/a.mp4", "http://f.example.com/b.mp4"};
  t.file_index = 1;
  t.offset_s = 5;
  t.repeat_number = 1;
  t.current_file_index = 0;
  t.current_offset_s = 42;
  t.remaining_repeats = 0;
  t.retries_used = 2;
  SetStatus(t, status);
  return t;
}

TEST(TaskCommandsTest, ViewAtShowsATaskPastItsEndTimeAsExitedAtItsEndTime) {
  RelayTask t = UrlTask(TaskStatus::kRunning);
  EXPECT_EQ(StatusOf(ViewAt(t, t.end_time_ms - 1)), TaskStatus::kRunning);
  RelayTask v = ViewAt(t, t.end_time_ms);
  EXPECT_EQ(StatusOf(v), TaskStatus::kExited);
  EXPECT_EQ(v.exit_reason, "OverEndTime");
  EXPECT_EQ(v.exit_time_ms, t.end_time_ms);
  EXPECT_FALSE(IsGoneAt(t, t.end_time_ms + 999, 1000));
  EXPECT_TRUE(IsGoneAt(t, t.end_time_ms + 1000, 1000));
}

TEST(TaskCommandsTest, UpdateAppliesCallbackSigningAndItemSwitchesAtOnceInEveryLiveStatus) {
  for (TaskStatus s :
       {TaskStatus::kIdle, TaskStatus::kRunning, TaskStatus::kRecovering, TaskStatus::kOffline}) {
    RelayTask t = UrlTask(s);
    TaskUpdate update;
    update.req_auth = true;
    update.auth_key = "abcdefghijklmnop";
    update.notify_item_switch = true;
    ASSERT_TRUE(ApplyUpdate(t, update, kNow).ok());
    EXPECT_TRUE(t.req_auth);
    EXPECT_EQ(t.auth_key, "abcdefghijklmnop");
    EXPECT_TRUE(t.notify_item_switch);
    if (s == TaskStatus::kRunning) {
      EXPECT_EQ(t.current_offset_s, 42) << "playback goes on";
    }
  }
  RelayTask exited = UrlTask(TaskStatus::kExited);
  TaskUpdate update;
  update.notify_item_switch = true;
  EXPECT_EQ(ApplyUpdate(exited, update, kNow).PublicCode(), "InvalidTask.Exited");
  EXPECT_FALSE(exited.notify_item_switch);
}

TEST(TaskCommandsTest, UpdateRefusesReqAuthWithoutAKeyAndChangesNothing) {
  RelayTask t = UrlTask(TaskStatus::kRunning);
  TaskUpdate update;
  update.req_auth = true;
  update.notify_item_switch = true;
  EXPECT_EQ(ApplyUpdate(t, update, kNow).PublicCode(), "MissingAuthKey");
  EXPECT_FALSE(t.req_auth);
  EXPECT_FALSE(t.notify_item_switch);
  t.auth_key = "abcdefghijklmnop";  // a stored key is enough
  EXPECT_TRUE(ApplyUpdate(t, update, kNow).ok());
  EXPECT_TRUE(t.req_auth);
}

TEST(TaskCommandsTest, StopTakesARunningRecoveringOrStartedTaskOffline) {
  for (TaskStatus s : {TaskStatus::kRunning, TaskStatus::kRecovering, TaskStatus::kIdle}) {
    RelayTask t = UrlTask(s);
    EXPECT_TRUE(ApplyStop(t, kNow));
    EXPECT_EQ(StatusOf(t), TaskStatus::kOffline);
    EXPECT_EQ(t.invalid_reason, "TriggerByUser");
  }
}

TEST(TaskCommandsTest, StopHasNoEffectBeforeStartTimeOrOnAStoppedOrExitedTask) {
  RelayTask before = UrlTask(TaskStatus::kIdle);
  before.start_time_ms = kNow + 1;
  EXPECT_FALSE(ApplyStop(before, kNow));
  EXPECT_EQ(StatusOf(before), TaskStatus::kIdle);
  RelayTask offline = UrlTask(TaskStatus::kOffline);
  offline.invalid_reason = "PullStreamFailed";
  EXPECT_FALSE(ApplyStop(offline, kNow));
  EXPECT_EQ(offline.invalid_reason, "PullStreamFailed");
  RelayTask exited = UrlTask(TaskStatus::kExited);
  EXPECT_FALSE(ApplyStop(exited, kNow));
}

TEST(TaskCommandsTest, RestartStartsAgainFromTheConfiguredPositionWithFreshRetries) {
  for (TaskStatus s : {TaskStatus::kRunning, TaskStatus::kRecovering, TaskStatus::kOffline}) {
    RelayTask t = UrlTask(s);
    t.invalid_reason = s == TaskStatus::kOffline ? "TriggerByUser" : "";
    auto changed = ApplyRestart(t, kNow);
    ASSERT_TRUE(changed.has_value());
    EXPECT_TRUE(*changed);
    EXPECT_EQ(StatusOf(t), TaskStatus::kIdle);
    EXPECT_EQ(t.invalid_reason, "");
    EXPECT_EQ(t.restarts, 1);
    EXPECT_EQ(t.retries_used, 0);
    EXPECT_EQ(t.current_file_index, 1);
    EXPECT_EQ(t.current_offset_s, 5);
    EXPECT_EQ(t.remaining_repeats, 1);
  }
}

TEST(TaskCommandsTest, RestartHasNoEffectBeforeStartTimeAndRefusesAnExitedTask) {
  RelayTask before = UrlTask(TaskStatus::kOffline);
  before.start_time_ms = kNow + 1;
  auto r = ApplyRestart(before, kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(*r);
  EXPECT_EQ(StatusOf(before), TaskStatus::kOffline);
  EXPECT_EQ(before.restarts, 0);
  RelayTask exited = UrlTask(TaskStatus::kExited);
  EXPECT_EQ(ApplyRestart(exited, kNow).error().PublicCode(), "InvalidTask.Exited");
}

TaskUpdate Everything() {
  TaskUpdate u;
  u.region = "cn-beijing";
  u.start_time_ms = kNow + kHour;
  u.end_time_ms = kNow + 3 * kHour;
  u.source_urls = std::vector<std::string>{"http://f.example.com/c.mp4"};
  u.repeat_number = -1;
  u.offset_s = 9;
  u.file_index = 0;
  u.callback_url = "https://hooks.example.net/r";
  return u;
}

TEST(TaskCommandsTest, AnIdleTaskTakesEveryFieldAndPlaysFromTheNewPosition) {
  RelayTask t = UrlTask(TaskStatus::kIdle);
  ASSERT_TRUE(ApplyUpdate(t, Everything(), kNow).ok());
  EXPECT_EQ(t.region, "cn-beijing");
  EXPECT_EQ(t.start_time_ms, kNow + kHour);
  EXPECT_EQ(t.end_time_ms, kNow + 3 * kHour);
  EXPECT_EQ(t.source_urls, std::vector<std::string>{"http://f.example.com/c.mp4"});
  EXPECT_EQ(t.repeat_number, -1);
  EXPECT_EQ(t.callback_url, "https://hooks.example.net/r");
  EXPECT_EQ(t.current_file_index, 0);
  EXPECT_EQ(t.current_offset_s, 9);
  EXPECT_EQ(t.remaining_repeats, -1);
}

TEST(TaskCommandsTest, ARunningTaskTakesCallbackRepeatsAndEndTimeNowAndSourcesAtRestart) {
  for (TaskStatus s : {TaskStatus::kRunning, TaskStatus::kRecovering}) {
    RelayTask t = UrlTask(s);
    ASSERT_TRUE(ApplyUpdate(t, Everything(), kNow).ok());
    EXPECT_EQ(t.region, "cn-shanghai");        // ignored once started
    EXPECT_EQ(t.start_time_ms, kNow - kHour);  // ignored once running
    EXPECT_EQ(t.end_time_ms, kNow + 3 * kHour);
    EXPECT_EQ(t.callback_url, "https://hooks.example.net/r");
    EXPECT_EQ(t.repeat_number, -1);
    EXPECT_EQ(t.remaining_repeats, -1);
    // Stored for the next restart; the relay's position is untouched.
    EXPECT_EQ(t.source_urls.size(), 1u);
    EXPECT_EQ(t.offset_s, 9);
    EXPECT_EQ(t.current_file_index, 0);
    EXPECT_EQ(t.current_offset_s, 42);
    EXPECT_EQ(StatusOf(t), s);
  }
}

TEST(TaskCommandsTest, AnOfflineTaskTakesEverythingButTheRegion) {
  RelayTask t = UrlTask(TaskStatus::kOffline);
  ASSERT_TRUE(ApplyUpdate(t, Everything(), kNow).ok());
  EXPECT_EQ(t.region, "cn-shanghai");
  EXPECT_EQ(t.start_time_ms, kNow + kHour);
  EXPECT_EQ(t.offset_s, 9);
  EXPECT_EQ(t.current_offset_s, 42);  // applied by the next restart
  auto restarted = ApplyRestart(t, kNow + kHour);
  ASSERT_TRUE(restarted.has_value() && *restarted);
  EXPECT_EQ(t.current_offset_s, 9);
  EXPECT_EQ(t.current_file_index, 0);
}

TEST(TaskCommandsTest, UpdateRefusesExitedTasksBadDurationsAndFileIndexesAndChangesNothing) {
  RelayTask exited = UrlTask(TaskStatus::kExited);
  EXPECT_EQ(ApplyUpdate(exited, Everything(), kNow).PublicCode(), "InvalidTask.Exited");
  RelayTask t = UrlTask(TaskStatus::kIdle);
  const RelayTask original = t;
  TaskUpdate past;
  past.end_time_ms = kNow;
  past.callback_url = "https://hooks.example.net/x";
  EXPECT_EQ(ApplyUpdate(t, past, kNow).PublicCode(), "InvalidParam.CodeIllegalDuration");
  TaskUpdate inverted;
  inverted.start_time_ms = kNow + 2 * kHour;
  EXPECT_EQ(ApplyUpdate(t, inverted, kNow).PublicCode(), "InvalidParam.CodeIllegalDuration");
  TaskUpdate fewer_urls;
  fewer_urls.source_urls = std::vector<std::string>{"http://f.example.com/c.mp4"};
  EXPECT_EQ(ApplyUpdate(t, fewer_urls, kNow).PublicCode(), "InvalidFileIndex.Malformed");
  EXPECT_EQ(t.callback_url, original.callback_url);
  EXPECT_EQ(t.source_urls, original.source_urls);
  EXPECT_EQ(t.end_time_ms, original.end_time_ms);
}

TEST(TaskCommandsTest, RemainingRepeatsFollowARepeatNumberChange) {
  EXPECT_EQ(AdjustRemainingRepeats(2, 5, 1), 4);
  EXPECT_EQ(AdjustRemainingRepeats(5, 1, 2), 0);
  EXPECT_EQ(AdjustRemainingRepeats(2, -1, 1), -1);
  EXPECT_EQ(AdjustRemainingRepeats(-1, 3, -1), 3);
}

}  // namespace
}  // namespace liverec::relay
