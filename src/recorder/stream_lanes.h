// StreamLanes: one serial lane per recorded stream (account, domain, app, stream), shared by all
// of the stream's publishes. Everything done for a stream off its I/O thread runs on its lane,
// in order, so a republish never overtakes the slices of the publish before it. A lane has two
// serial executors: Post runs the quick local work (sidecars, closing slices in the spool,
// status events, on-demand calls); the queue of slices to finish (store, index, hold), ends of
// publishes and Then tasks drains on the other. So an upload that hangs never delays writing the
// sidecars and closing the slices recorded meanwhile (which recovery after a crash needs).
//
// A lane also keeps the stream's backlog. A slice that cannot be finished (its bucket is
// unreachable, the database refuses) stays in the spool and in the lane, in order; the lane
// retries it with backoff (first_retry_ms, doubling up to max_retry_ms) — RetryDue, from a
// timer, posts the retries that are due — and everything queued behind it (later slices, the
// publish's end) waits. A publish's beginning is queued too (ahead of its slices): it claims
// the cycles the publish continues, in order after the previous publish's end; it is not part of
// the backlog (HasBacklog), so it never holds up closing the stream's files. Nothing is dropped: a
// slice leaves the lane only once it is finished. While a stream has anything queued, HasBacklog is
// true and its cycles are not closed (the playlist and the MP4/FLV files wait for their slices).
//
// Thread-safety: every method may be called from any thread; the queued work runs on the lane's
// serial executor. Lanes must not outlive their StreamLanes.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "base/clock.h"
#include "recorder/slice_finisher.h"
#include "recorder/spool.h"

namespace liverec::recorder {

// Runs tasks one after another, in order, off the I/O thread.
using SerialPost = std::function<void(std::function<void()>)>;

struct LaneOptions {
  int64_t first_retry_ms = 1'000;
  int64_t max_retry_ms = 30'000;
};

class StreamLanes;

class StreamLane : public std::enable_shared_from_this<StreamLane> {
 public:
  StreamLane(StreamLanes& owner, std::string key, SerialPost post, SerialPost drain_post)
      : owner_(owner),
        key_(std::move(key)),
        post_(std::move(post)),
        drain_post_(std::move(drain_post)) {}

  // Runs `task` on the lane's local-work executor, after what was posted before.
  void Post(std::function<void()> task) { post_(std::move(task)); }
  // Queues the beginning of a publish of `plan` at `publish_ms` (`finisher`->Begin: it claims
  // the cycles the publish continues and tells the events), ahead of the publish's slices.
  void Begin(const RecordingPlan& plan, int64_t publish_ms,
             std::shared_ptr<SliceFinisher> finisher);
  // Queues finishing the closed `slice` with `finisher` behind the lane's backlog.
  void Finish(SpoolSlice slice, std::shared_ptr<SliceFinisher> finisher);
  // Queues the end of a publish of `plan`: `finisher`->End() and then `after`, once every slice
  // queued before it is finished.
  void End(const RecordingPlan& plan, std::shared_ptr<SliceFinisher> finisher,
           std::function<void()> after);
  // Queues `task`, to run on the lane once everything queued before it is finished (e.g.
  // closing the stream's files at once: not before their slices are in). Not a backlog itself.
  // Call it from the lane (Post) to queue it behind what earlier posted tasks queue.
  void Then(std::function<void()> task);

 private:
  friend class StreamLanes;
  struct Item {
    std::optional<SpoolSlice> slice;  // empty: the beginning or end of a publish, or a task
    std::optional<int64_t> begin_ms;  // set: the beginning of a publish, at this time
    RecordingPlan plan;
    std::shared_ptr<SliceFinisher> finisher;  // null: a task (Then), `after` is all it does
    std::function<void()> after;
  };

  void Push(Item item);
  // Begins, finishes or ends with the item's finisher; a slice its bucket refuses for good
  // fails the recording (SliceFinisher::Fail) and counts as done.
  Status Run(Item& item);
  void Drain();  // on the lane
  void Retry();  // any thread: the retry is due

  StreamLanes& owner_;
  const std::string key_;
  SerialPost post_;
  SerialPost drain_post_;  // runs Drain
  std::mutex mutex_;
  std::deque<Item> items_;
  bool waiting_ = false;  // a failed item waits for its retry
  int failures_ = 0;
  int64_t next_retry_ms_ = 0;
  int64_t failing_since_ms_ = 0;
};

class StreamLanes {
 public:
  // `make_serial` makes the lanes' local-work executors, `make_drain_serial` (null: the same)
  // the executors their queues drain on (uploads: a pool of their own in the server).
  StreamLanes(const Clock& clock, std::function<SerialPost()> make_serial,
              std::function<SerialPost()> make_drain_serial = nullptr, LaneOptions options = {})
      : clock_(clock),
        make_serial_(std::move(make_serial)),
        make_drain_serial_(make_drain_serial ? std::move(make_drain_serial) : make_serial_),
        options_(options) {}

  // The lane of a stream: the same one while anybody holds it or it has a backlog.
  std::shared_ptr<StreamLane> Lane(const std::string& account_id, const std::string& domain,
                                   const std::string& app, const std::string& stream);
  // True while slices or ends of `stream_id` (the metadata stream id) are queued in a lane.
  bool HasBacklog(const std::string& stream_id) const;
  // True while a lane of a stream recorded into this bucket waits to retry a failed slice.
  bool BucketFailing(const std::string& endpoint, const std::string& bucket) const;
  // Posts the retries whose backoff has passed.
  void RetryDue();
  // Slices queued in every lane (stored or held once their turn comes).
  int64_t QueuedSlices() const;

 private:
  friend class StreamLane;
  void Queued(const StreamLane& lane, const std::string& stream_id, bool slice);
  void Done(const std::string& stream_id, bool slice);
  void Waiting(const std::shared_ptr<StreamLane>& lane, const std::string& bucket_key);
  void Resumed(const StreamLane& lane, const std::string& bucket_key);
  int64_t RetryDelayMs(int failures) const;

  const Clock& clock_;
  std::function<SerialPost()> make_serial_;
  std::function<SerialPost()> make_drain_serial_;
  const LaneOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<StreamLane>> lanes_;        // by stream key
  std::map<std::string, int64_t> queued_by_stream_;               // stream id -> items
  std::map<std::string, std::shared_ptr<StreamLane>> waiting_;    // by stream key
  std::map<std::string, std::set<std::string>> failing_buckets_;  // bucket -> stream keys
  int64_t queued_slices_ = 0;
};

}  // namespace liverec::recorder
