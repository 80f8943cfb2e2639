// RecordingEvents: what the recorder tells the outside world about its recordings. The recorder
// depends only on this interface; the server wires it (e.g. to the durable callback outbox, which
// turns FileCreated into the `file_created` callback). Optional: the recorder takes a
// nullptr and then tells nobody.
//
// When: FileCreated is called once per recording file stored in the bucket (an m3u8 playlist of
// a closed cycle, or each MP4/FLV file of a closed cycle: a cycle split by a codec/resolution
// change gives several), after the object is stored and its metadata row (index_files for m3u8,
// record_files for MP4/FLV) is written with announced = 0, and before the cycle is marked closed.
// When it returns Ok the row is marked announced; an error leaves it unannounced and it is called
// again later (a minute later, and at every start). A crash between the row and the mark has the
// same effect: at the next start (Recorder::Recover -> CycleManager::AnnouncePending) it is called
// again for every unannounced row, with the same record_id. So FileCreated may be called more
// than once for one file, and implementations must be idempotent per (account_id, record_id):
// the server's derives the outbox event id from them, so the outbox keeps one event per file.
// A crash after the row but before the cycle is marked closed closes the cycle again at the next
// start: it reuses the stored file and row (no second copy, no second call once announced). A
// crash before the row makes the cycle close again at the next start (a second copy of the file
// under a `_1` name, with its own row and call). Implementations should only record the event
// (e.g. one INSERT) and return: delivery belongs elsewhere.
//
// Thread-safety: called from worker threads and the close executor's, for different streams at
// once (never from an I/O thread); implementations must be thread-safe and must not call back
// into the recorder.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"

namespace liverec::recorder {

struct CreatedFile {
  std::string account_id;
  std::string domain;
  std::string app;
  std::string stream;
  std::string format;     // m3u8 | mp4 | flv
  std::string record_id;  // m3u8: the cycle id (= RecordId of the index file); mp4/flv: file id
  std::string cycle_id;
  std::string endpoint;     // OssEndpoint
  std::string bucket;       // OssBucket
  std::string object_key;   // OssObject, with its extension
  int64_t start_ms = 0;     // UTC of the first recorded moment
  int64_t end_ms = 0;       // UTC of the last
  int64_t duration_ms = 0;  // media duration (excludes the gaps of interruptions)
  int width = 0;            // 0 for audio-only
  int height = 0;
  std::map<std::string, std::string> push_args;  // callback_* arguments of the publish
};

// A stream's recording started (a publish opened new cycles), paused (the publisher left; the
// cycles wait DelayTime), resumed (a publish continued cycles within DelayTime), or could not
// start (error: e.g. the spool is full while the bucket is unreachable; `reason` says why).
enum class RecordingStatus { kStarted, kPaused, kResumed, kError };

struct StatusChange {
  std::string account_id;
  std::string domain;
  std::string app;
  std::string stream;
  RecordingStatus status = RecordingStatus::kStarted;
  std::string reason;  // kError only
};

class RecordingEvents {
 public:
  virtual ~RecordingEvents() = default;
  // Ok once the event is durably recorded (or nobody is to be told); an error to be asked again.
  virtual Status FileCreated(const CreatedFile& file) = 0;
  // Once per publish (started or resumed) and once when its publisher leaves (paused), in that
  // order, from the stream's serial worker (never an I/O thread).
  virtual void StatusChanged(const StatusChange& change) { (void)change; }
};

}  // namespace liverec::recorder
