#include "node_sim.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>

#include "callbacks/deliverer.h"
#include "metadata/postgres/postgres_database.h"

namespace liverec::bench {
namespace {

using Steady = std::chrono::steady_clock;

double MsSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

// Every callback is answered 200 at once: the bench measures the database, not the receivers.
class AnswerAtOnce final : public callbacks::HttpSender {
 public:
  Result<net::HttpClientResponse> Send(const net::HttpClientRequest&) override {
    return net::HttpClientResponse{200, "ok"};
  }
};

}  // namespace

Status NodeSim::Start(const std::string& url) {
  metadata::PostgresOptions options;
  options.url = url;
  options.pool_size = o_.pool_size;
  auto db = metadata::PostgresDatabase::Open(options, clock_);
  if (!db) return db.error();
  repos_ = std::make_unique<NodeRepos>(
      std::make_unique<CountingDatabase>(std::move(*db), log_.measuring_flag()), clock_);
  streams_ = std::make_unique<StreamOps>(*repos_, clock_, o_, world_, log_);
  int64_t streams = 0, relays = 0;
  for (const auto& s : world_.streams) streams += s.node == index_;
  for (const auto& r : world_.relays) relays += r.node == index_;
  membership_ = std::make_unique<cluster::Membership>(
      *repos_->db, clock_, world_.holders[static_cast<size_t>(index_)],
      cluster::NodeIdentity{"sim-node-" + std::to_string(index_), "10.0.0.1:8080", "10.0.0.1:1935",
                            "simbench"},
      o_.lease_s * 1000, [streams, relays] {
        return cluster::NodeLoad{streams, relays};
      });
  LIVEREC_RETURN_IF_ERROR(membership_->Join(
      [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }));
  for (size_t i = 0; i < world_.streams.size(); ++i) {
    if (world_.streams[i].node == index_) schedule_.push({world_.streams[i].next_due_ms, false, i});
  }
  for (size_t i = 0; i < world_.relays.size(); ++i) {
    if (world_.relays[i].node == index_) {
      relay_schedule_.push({world_.relays[i].next_due_ms, true, i});
    }
  }
  repos_->outbox.SetWakeUp([this] {
    deliver_again_ = true;
    changed_.notify_all();
  });
  for (int i = 0; i < o_.workers; ++i) threads_.emplace_back([this] { Work(schedule_); });
  threads_.emplace_back([this] { Work(relay_schedule_); });
  threads_.emplace_back([this] { Heartbeat(); });
  if (o_.sweep) threads_.emplace_back([this] { Sweep(); });
  threads_.emplace_back([this] { Deliver(); });
  return Status::Ok();
}

int64_t NodeSim::Stop() {
  if (stopped_) return 0;
  stopped_ = true;
  int64_t backlog = 0;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    int64_t now = clock_.NowMs();
    for (auto copy : {schedule_, relay_schedule_}) {
      while (!copy.empty() && copy.top().due_ms <= now) {
        ++backlog;
        copy.pop();
      }
    }
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  if (membership_) membership_->Leave();
  return backlog;
}

bool NodeSim::SleepUntil(int64_t until_ms) {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    int64_t left = until_ms - clock_.NowMs();
    if (left <= 0) return true;
    changed_.wait_for(lock, std::chrono::milliseconds(left));
  }
  return false;
}

void NodeSim::Work(std::priority_queue<Event, std::vector<Event>, std::greater<>>& queue) {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (queue.empty()) {
      changed_.wait(lock);
      continue;
    }
    int64_t wait = queue.top().due_ms - clock_.NowMs();
    if (wait > 0) {
      changed_.wait_for(lock, std::chrono::milliseconds(wait));
      continue;
    }
    Event event = queue.top();
    queue.pop();
    lock.unlock();
    log_.RecordLag(event.relay, static_cast<double>(clock_.NowMs() - event.due_ms));
    Run(event);
    lock.lock();
    queue.push(event);
  }
}

void NodeSim::Run(Event& event) {
  if (event.relay) {
    RelayState& r = world_.relays[event.index];
    auto t = Steady::now();
    r.row.current_offset_s += o_.relay_save_ms / 1000;
    r.row.updated_at_ms = clock_.NowMs();
    Status saved = repos_->relays.Update(r.row);
    if (saved.ok()) ++r.row.revision;
    log_.Record(Op::kRelaySave, MsSince(t), saved.ok());
    if (!saved.ok()) spdlog::warn("relay {}: {}", r.row.task_id, saved.ToString());
    event.due_ms += o_.relay_save_ms;
    return;
  }
  StreamState& s = world_.streams[event.index];
  if (event.due_ms >= s.session_end_ms) {
    streams_->Republish(s);
    s.session_end_ms += o_.session_s * 1000;
  }
  streams_->Slice(s, event.due_ms);
  event.due_ms += o_.slice_s * 1000;
}

void NodeSim::Heartbeat() {
  const int64_t every = o_.lease_s * 1000 / 3;
  int64_t due = clock_.NowMs() + every;
  while (SleepUntil(due)) {
    auto t = Steady::now();
    membership_->Beat();
    log_.Record(Op::kNodeBeat, MsSince(t), membership_->Health().ok());
    RenewLeases();
    due += every;
  }
}

void NodeSim::RenewLeases() {
  const std::string& holder = world_.holders[static_cast<size_t>(index_)];
  const int64_t lease_ms = o_.lease_s * 1000;
  auto t = Steady::now();
  bool ok = true;
  if (o_.renew == RenewMode::kBulk) {
    // One statement per lease kind renews every lease of this node (stream ownership's plan).
    for (const char* kind : {kStreamLeaseKind, kRelayLeaseKind}) {
      int64_t now = clock_.NowMs();
      auto renewed = repos_->db->Execute(
          "UPDATE leases SET expires_at_ms = ?, renewed_at_ms = ? WHERE kind = ? AND holder = ?",
          {now + lease_ms, now, std::string(kind), holder});
      ok = ok && renewed.has_value();
      if (renewed) log_.AddRenewed(*renewed);
    }
  } else {
    for (auto& s : world_.streams) {
      if (s.node != index_) continue;
      int64_t epoch = std::atomic_ref<int64_t>(s.lease_epoch).load();
      auto renewed = repos_->leases.Renew({kStreamLeaseKind, s.id}, holder, epoch, lease_ms);
      ok = ok && renewed.has_value();
      if (renewed) log_.AddRenewed(1);
    }
    for (auto& r : world_.relays) {
      if (r.node != index_) continue;
      auto renewed = repos_->leases.Renew({kRelayLeaseKind, r.row.task_id}, holder, 1, lease_ms);
      ok = ok && renewed.has_value();
      if (renewed) log_.AddRenewed(1);
    }
  }
  log_.Record(Op::kLeaseRenew, MsSince(t), ok);
}

void NodeSim::Sweep() {
  int64_t due = clock_.NowMs() + 1000;
  while (SleepUntil(due)) {
    auto t = Steady::now();
    auto open = repos_->recordings.ListOpenCycles();
    log_.Record(Op::kSweep, MsSince(t), open.has_value());
    due += 1000;
  }
}

void NodeSim::Deliver() {
  AnswerAtOnce sender;
  callbacks::Deliverer deliverer(repos_->outbox_rows, sender, clock_, {});
  while (!stopping_) {
    for (int round = 0; round < 100 && !stopping_; ++round) {
      auto t = Steady::now();
      auto attempted = deliverer.RunOnce();
      log_.Record(Op::kDeliverRound, MsSince(t), attempted.has_value());
      if (!attempted || *attempted == 0) break;
    }
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(o_.poll_interval_ms),
                      [this] { return stopping_ || deliver_again_.exchange(false); });
  }
}

}  // namespace liverec::bench
