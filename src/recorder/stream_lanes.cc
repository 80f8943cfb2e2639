#include "recorder/stream_lanes.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "storage/object_store.h"

namespace liverec::recorder {
namespace {

std::string BucketKey(const RecordingPlan& plan) { return plan.endpoint + "/" + plan.bucket; }

}  // namespace

void StreamLane::Begin(const RecordingPlan& plan, int64_t publish_ms,
                       std::shared_ptr<SliceFinisher> finisher) {
  Push({std::nullopt, publish_ms, plan, std::move(finisher), nullptr});
}

void StreamLane::Finish(SpoolSlice slice, std::shared_ptr<SliceFinisher> finisher) {
  RecordingPlan plan = slice.plan;
  Push({std::move(slice), std::nullopt, std::move(plan), std::move(finisher), nullptr});
}

void StreamLane::End(const RecordingPlan& plan, std::shared_ptr<SliceFinisher> finisher,
                     std::function<void()> after) {
  Push({std::nullopt, std::nullopt, plan, std::move(finisher), std::move(after)});
}

void StreamLane::Then(std::function<void()> task) {
  Push({std::nullopt, std::nullopt, RecordingPlan{}, nullptr, std::move(task)});
}

void StreamLane::Push(Item item) {
  // A publish's beginning is not a backlog: it must not hold up closing the stream's files (a
  // restart closes the old file while the new recording begins behind it).
  bool backlog = item.finisher && !item.begin_ms;
  if (backlog) owner_.Queued(*this, item.plan.stream_id, item.slice.has_value());
  bool drain;
  {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(item));
    drain = !waiting_;
  }
  if (drain) drain_post_([self = shared_from_this()] { self->Drain(); });
}

void StreamLane::Retry() {
  {
    std::lock_guard lock(mutex_);
    if (!waiting_) return;
    waiting_ = false;
  }
  drain_post_([self = shared_from_this()] { self->Drain(); });
}

Status StreamLane::Run(Item& item) {
  if (item.begin_ms) return item.finisher->Begin(item.plan, *item.begin_ms);
  if (!item.slice) return item.finisher->End();
  Status status = item.finisher->Failed() ? Status::Ok() : item.finisher->Finish(*item.slice);
  if (item.finisher->Failed() || storage::IsPermanentStorageError(status) ||
      status.code() == ErrorCode::kLeaseLost) {
    // Refused for good (or the stream now recorded by another node): the recording fails alone,
    // its slices are set aside, nothing waits.
    item.finisher->Fail(*item.slice, status);
    return Status::Ok();
  }
  return status;
}

void StreamLane::Drain() {
  for (;;) {
    Item item;
    {
      std::lock_guard lock(mutex_);
      if (waiting_ || items_.empty()) return;
      item = items_.front();
      if (!item.finisher) items_.pop_front();
    }
    if (!item.finisher) {  // a task: everything before it is finished
      if (item.after) item.after();
      continue;
    }
    const RecordingPlan& plan = item.plan;
    Status status = Run(item);
    if (!status.ok()) {
      int64_t now = owner_.clock_.NowMs();
      size_t queued;
      int failures;
      {
        std::lock_guard lock(mutex_);
        items_.front().slice = item.slice;  // what the attempt kept (its sequence number)
        waiting_ = true;
        if (failures_++ == 0) failing_since_ms_ = now;
        failures = failures_;
        next_retry_ms_ = now + owner_.RetryDelayMs(failures_);
        queued = items_.size();
      }
      std::string what = item.slice      ? "slice " + item.slice->id + " not stored yet"
                         : item.begin_ms ? "the beginning of a publish not recorded yet"
                                         : "the end of a publish not recorded yet";
      if (failures == 1) {
        spdlog::warn(
            "recorder: {}/{}/{}: {}, kept in the spool with {} item(s) behind it; "
            "retrying: {}",
            plan.domain, plan.app, plan.stream, what, queued - 1, status.ToString());
      } else {
        spdlog::debug("recorder: {}/{}/{}: {} (attempt {}): {}", plan.domain, plan.app, plan.stream,
                      what, failures, status.ToString());
      }
      // Waiting for another node to let the stream go is no sign of the bucket's health.
      bool lease = status.code() == ErrorCode::kLeaseHeld;
      owner_.Waiting(shared_from_this(), lease ? std::string() : BucketKey(plan));
      return;
    }
    if (item.after) item.after();
    int failures;
    int64_t since;
    {
      std::lock_guard lock(mutex_);
      items_.pop_front();
      failures = std::exchange(failures_, 0);
      since = failing_since_ms_;
    }
    if (failures > 0) {
      spdlog::info("recorder: {}/{}/{}: stored again after {} failed attempts over {} ms",
                   plan.domain, plan.app, plan.stream, failures, owner_.clock_.NowMs() - since);
      owner_.Resumed(*this, BucketKey(plan));
    }
    if (!item.begin_ms) owner_.Done(plan.stream_id, item.slice.has_value());
  }
}

std::shared_ptr<StreamLane> StreamLanes::Lane(const std::string& account_id,
                                              const std::string& domain, const std::string& app,
                                              const std::string& stream) {
  std::string key = account_id + "\n" + domain + "\n" + app + "\n" + stream;
  std::lock_guard lock(mutex_);
  if (auto existing = lanes_[key].lock()) return existing;
  std::erase_if(lanes_, [](const auto& entry) { return entry.second.expired(); });
  SerialPost post = make_serial_();  // made first, then the drain's (in this order)
  SerialPost drain_post = make_drain_serial_();
  auto lane = std::make_shared<StreamLane>(*this, key, std::move(post), std::move(drain_post));
  lanes_[key] = lane;
  return lane;
}

bool StreamLanes::HasBacklog(const std::string& stream_id) const {
  std::lock_guard lock(mutex_);
  auto it = queued_by_stream_.find(stream_id);
  return it != queued_by_stream_.end() && it->second > 0;
}

bool StreamLanes::BucketFailing(const std::string& endpoint, const std::string& bucket) const {
  std::lock_guard lock(mutex_);
  auto it = failing_buckets_.find(endpoint + "/" + bucket);
  return it != failing_buckets_.end() && !it->second.empty();
}

void StreamLanes::RetryDue() {
  std::vector<std::shared_ptr<StreamLane>> due;
  int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(mutex_);
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      bool ready;
      {
        std::lock_guard lane_lock(it->second->mutex_);
        ready = now >= it->second->next_retry_ms_;
      }
      if (ready) {
        due.push_back(it->second);
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& lane : due) lane->Retry();
}

int64_t StreamLanes::QueuedSlices() const {
  std::lock_guard lock(mutex_);
  return queued_slices_;
}

void StreamLanes::Queued(const StreamLane& lane, const std::string& stream_id, bool slice) {
  (void)lane;
  std::lock_guard lock(mutex_);
  ++queued_by_stream_[stream_id];
  if (slice) ++queued_slices_;
}

void StreamLanes::Done(const std::string& stream_id, bool slice) {
  std::lock_guard lock(mutex_);
  auto it = queued_by_stream_.find(stream_id);
  if (it != queued_by_stream_.end() && --it->second <= 0) queued_by_stream_.erase(it);
  if (slice) --queued_slices_;
}

void StreamLanes::Waiting(const std::shared_ptr<StreamLane>& lane, const std::string& bucket_key) {
  std::lock_guard lock(mutex_);
  waiting_[lane->key_] = lane;
  if (!bucket_key.empty()) failing_buckets_[bucket_key].insert(lane->key_);
}

void StreamLanes::Resumed(const StreamLane& lane, const std::string& bucket_key) {
  std::lock_guard lock(mutex_);
  auto it = failing_buckets_.find(bucket_key);
  if (it == failing_buckets_.end()) return;
  it->second.erase(lane.key_);
  if (it->second.empty()) failing_buckets_.erase(it);
}

int64_t StreamLanes::RetryDelayMs(int failures) const {
  int64_t delay = options_.first_retry_ms;
  for (int i = 1; i < failures && delay < options_.max_retry_ms; ++i) delay *= 2;
  return std::min(delay, options_.max_retry_ms);
}

}  // namespace liverec::recorder
