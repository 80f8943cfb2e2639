#include "cluster/stream_directory.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

namespace liverec::cluster {

using metadata::OnlineStreamRepository;
using metadata::OnlineStreamRow;

namespace {

constexpr int64_t kRetryMs = 1000;  // after a failed round

}  // namespace

StreamDirectory::StreamDirectory(metadata::SqlDatabase& db, const Clock& clock, std::string node_id,
                                 std::string holder, DirectoryOptions options)
    : db_(db),
      clock_(clock),
      node_id_(std::move(node_id)),
      holder_(std::move(holder)),
      options_(options) {}

std::string StreamDirectory::Key(const OnlineStreamRow& row) {
  return row.account_id + "|" + row.domain_name + "/" + row.app_name + "/" + row.stream_name;
}

void StreamDirectory::Start() {
  auto removed = OnlineStreamRepository(db_).RemoveOtherHolders(node_id_, holder_);
  if (!removed) {
    spdlog::warn("cluster: online streams: {}", removed.error().ToString());
  } else if (*removed > 0) {
    spdlog::info("cluster: online streams: removed {} rows an earlier run of {} left", *removed,
                 node_id_);
  }
  next_refresh_ms_ = clock_.NowMs() + options_.refresh_ms;
  next_purge_ms_ = clock_.NowMs();
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void StreamDirectory::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Status last = WriteUrgent();
  if (!last.ok()) spdlog::warn("cluster: online streams at shutdown: {}", last.ToString());
}

void StreamDirectory::Published(OnlineStreamRow row) {
  row.node_id = node_id_;
  row.holder = holder_;
  row.updated_at_ms = clock_.NowMs();
  std::string key = Key(row);
  {
    std::lock_guard lock(mutex_);
    removed_.erase(key);  // the upsert replaces the earlier publish's row
    added_[key] = row;
    live_[key] = std::move(row);
  }
  wake_.notify_all();
}

void StreamDirectory::Measured(const OnlineStreamRow& row) {
  bool urgent = false;
  {
    std::lock_guard lock(mutex_);
    std::string key = Key(row);
    auto it = live_.find(key);
    if (it == live_.end()) return;
    OnlineStreamRow& stored = it->second;
    stored.video_codec = row.video_codec;
    stored.audio_codec = row.audio_codec;
    stored.width = row.width;
    stored.height = row.height;
    stored.frame_rate = row.frame_rate;
    stored.video_kbps = row.video_kbps;
    stored.audio_kbps = row.audio_kbps;
    // A recording started or stopped is written at once, not at the next refresh.
    if (stored.record_status != row.record_status) {
      stored.record_status = row.record_status;
      stored.updated_at_ms = clock_.NowMs();
      added_[key] = stored;
      urgent = true;
    }
  }
  if (urgent) wake_.notify_all();
}

void StreamDirectory::Ended(const OnlineStreamRow& row) {
  std::string key = Key(row);
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(key);
    if (it == live_.end()) return;
    removed_[key] = it->second;
    added_.erase(key);
    live_.erase(it);
  }
  wake_.notify_all();
}

Status StreamDirectory::WriteUrgent() {
  std::map<std::string, OnlineStreamRow> added, removed;
  {
    std::lock_guard lock(mutex_);
    added.swap(added_);
    removed.swap(removed_);
  }
  OnlineStreamRepository repo(db_);
  Status first;
  auto failed = [&](const Status& status) {
    if (first.ok()) first = status;
  };
  for (auto& [key, row] : removed) {
    auto done = repo.Remove(row);
    if (done) continue;
    failed(done.error());
    std::lock_guard lock(mutex_);
    if (!live_.contains(key)) removed_.emplace(key, row);
  }
  for (auto& [key, row] : added) {
    Status done = repo.Upsert(row);
    if (done.ok()) continue;
    failed(done);
    std::lock_guard lock(mutex_);
    if (auto it = live_.find(key); it != live_.end()) added_.emplace(key, it->second);
  }
  return first;
}

Status StreamDirectory::Refresh() {
  std::vector<OnlineStreamRow> rows;
  {
    std::lock_guard lock(mutex_);
    rows.reserve(live_.size());
    for (const auto& [key, row] : live_) rows.push_back(row);
  }
  if (rows.empty()) return Status::Ok();
  int64_t now = clock_.NowMs();
  for (auto& row : rows) row.updated_at_ms = now;
  return db_.InTransaction([&](metadata::SqlSession& tx) -> Status {
    OnlineStreamRepository repo(tx);
    for (const auto& row : rows) LIVEREC_RETURN_IF_ERROR(repo.Upsert(row));
    return Status::Ok();
  });
}

Status StreamDirectory::WriteRound() {
  Status first = WriteUrgent();
  int64_t now = clock_.NowMs();
  if (now >= next_refresh_ms_) {
    Status refreshed = Refresh();
    next_refresh_ms_ = now + (refreshed.ok() ? options_.refresh_ms : kRetryMs);
    if (first.ok()) first = refreshed;
  }
  if (now >= next_purge_ms_) {
    next_purge_ms_ = now + options_.purge_ms;
    auto purged = OnlineStreamRepository(db_).PurgeDead(now);
    if (!purged) {
      if (first.ok()) first = purged.error();
    } else if (*purged > 0) {
      spdlog::info("cluster: online streams: removed {} rows of nodes whose lease lapsed", *purged);
    }
  }
  return first;
}

// Waits on the steady clock for the next due time (by the Clock) or an urgent change.
void StreamDirectory::Run() {
  std::string last_failure;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    Status status = WriteRound();
    if (!status.ok() && status.ToString() != last_failure) {
      spdlog::warn("cluster: online streams: {} (tried again every second)", status.ToString());
    }
    last_failure = status.ok() ? "" : status.ToString();
    int64_t due = std::min(next_refresh_ms_, next_purge_ms_) - clock_.NowMs();
    if (!status.ok()) due = std::min(due, kRetryMs);
    lock.lock();
    auto wait = std::chrono::milliseconds(std::clamp<int64_t>(due, 0, options_.refresh_ms));
    wake_.wait_for(lock, wait, [&] {
      return stopping_ || (status.ok() && (!added_.empty() || !removed_.empty()));
    });
  }
}

Result<std::vector<OnlineStreamRow>> StreamDirectory::ListOthers(const std::string& account_id,
                                                                 const std::string& domain) {
  return OnlineStreamRepository(db_).ListLive(account_id, domain, clock_.NowMs(), node_id_);
}

Result<std::optional<std::string>> StreamDirectory::FindOwner(const std::string& account_id,
                                                              const std::string& domain,
                                                              const std::string& app,
                                                              const std::string& stream) {
  auto rows = OnlineStreamRepository(db_).FindLive(account_id, domain, app, stream, clock_.NowMs(),
                                                   node_id_);
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows->front().node_id);
}

}  // namespace liverec::cluster
