// RelayRunner: the door between the pure RelayScheduler and whatever actually moves media
// (the libavformat worker in relay/worker/). The scheduler decides *when* a task's relay runs;
// a runner runs one attempt of it and reports what happens.
//
// One attempt = one Start() call. The runner pulls the job's source and pushes it to the job's
// destination until it fails, finishes (a `url` playlist with a finite RepeatNumber played to
// the end) or is stopped. Retries, RetryInterval, StartTime/EndTime and task status are the
// scheduler's business, never the runner's: a runner never restarts an attempt by itself.
//
// Thread-safety: Start() and Stop() are called by the scheduler's driver, one call at a time,
// and must return promptly (no network or file I/O on the caller's thread). `report` may be
// called from any thread the runner owns, concurrently with Start()/Stop(), and never after
// the runner's destructor has returned. Every report carries the job's `attempt`; a report
// of an attempt the scheduler no longer expects (e.g. one racing a Stop()) is ignored, so a
// runner need not synchronise its last reports with Stop().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace liverec::relay {

// Why an attempt failed; shown as TaskInvalidReason when the task goes offline.
enum class RelayFailure {
  kPullStreamFailed,  // the source could not be opened or read (incl. a live source ending)
  kPushStreamFailed,  // the destination could not be opened or written
  kUnknownError,      // anything else
};

// What one attempt relays. Everything here has been validated by the API layer (schemes,
// addresses, media root); the runner may still refuse it with kUnknownError.
struct RelayJob {
  std::string task_id;
  std::string account_id;
  // The task's attempt number, echoed in every report and named in logs: 1 for its first
  // attempt, then 2, 3, ... with no gaps (numbering restarts with the server process).
  uint64_t attempt = 0;
  std::string source_type;               // "live" or "url"
  std::string source_protocol;           // live only: "rtmp" | "srt" | "http-flv" | "flv" | "hls"
  std::vector<std::string> source_urls;  // live: exactly one; url: 1..30, played in order
  std::string dst_url;                   // rtmp:// push URL
  // url sources only. Start at source_urls[file_index], offset_s seconds into it; after the
  // last file, play the whole list again `repeat_number` more times (-1 forever, 0 once).
  int file_index = 0;
  int64_t offset_s = 0;
  int repeat_number = 0;
};

struct RelayReport {
  enum class Kind {
    kRunning,       // source and destination are open and media flows (send once per attempt)
    kProgress,      // url sources: position changed (send at most about once a second)
    kFailed,        // the attempt is over because of `failure`; no more reports for it
    kFinished,      // url sources: the playlist and its repeats are done; no more reports
    kItemSwitched,  // url sources: the next file (or the first of the next pass) has been
                    // opened and is about to be pushed; not sent for the attempt's first file
  };
  std::string task_id;
  uint64_t attempt = 0;
  Kind kind = Kind::kRunning;
  RelayFailure failure = RelayFailure::kUnknownError;  // kFailed only
  std::string detail;                                  // kFailed: for logs, never shown to users
  // url sources (kRunning, kProgress, kItemSwitched): where playback is now, and how many more
  // full passes over the list remain after the current one (as RelayJob::repeat_number).
  int current_file_index = 0;
  int64_t current_offset_s = 0;
  int remaining_repeats = 0;
  std::string current_file_url;  // kItemSwitched: source_urls[current_file_index] of the job
};

using ReportFn = std::function<void(const RelayReport&)>;

class RelayRunner {
 public:
  virtual ~RelayRunner() = default;

  // Begins one attempt of `job` and returns at once. The runner reports through `report`
  // (kRunning, kProgress and kItemSwitched..., then exactly one of kFailed / kFinished unless
  // stopped first).
  // Starting a task that already has an attempt running is a caller bug.
  virtual void Start(const RelayJob& job, ReportFn report) = 0;

  // Ends the task's current attempt, if any, and returns at once; the relay must let go of its
  // source and destination within about a second. Unknown task ids are ignored. A Start() of
  // the same task may follow at once (a restart): the old attempt winds down on its own, and
  // its late reports carry its old `attempt`.
  virtual void Stop(const std::string& task_id) = 0;

  // url sources: the user changed RepeatNumber while the task runs (it takes effect at
  // once). From now on, `remaining_repeats` more full passes follow the current one (-1
  // forever). Ignored for unknown tasks and live sources.
  virtual void SetRemainingRepeats(const std::string& task_id, int remaining_repeats) = 0;
};

}  // namespace liverec::relay
