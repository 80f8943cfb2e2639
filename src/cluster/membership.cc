#include "cluster/membership.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/time_format.h"

namespace liverec::cluster {

Membership::Membership(metadata::SqlDatabase& db, const Clock& clock, std::string instance_id,
                       NodeIdentity identity, int64_t lease_ms, LoadFn load)
    : db_(db),
      leases_(db, clock),
      clock_(clock),
      instance_id_(std::move(instance_id)),
      identity_(std::move(identity)),
      lease_ms_(lease_ms),
      load_(std::move(load)),
      started_at_ms_(clock.NowMs()) {}

metadata::LeaseKey Membership::Key() const {
  return {std::string(metadata::kNodeLeaseKind), identity_.node_id};
}

NodeIdentity Membership::identity() const {
  std::lock_guard lock(mutex_);
  return identity_;
}

Status Membership::SetAddresses(std::string advertise_http, std::string advertise_rtmp) {
  int64_t epoch;
  {
    std::lock_guard lock(mutex_);
    identity_.advertise_http = std::move(advertise_http);
    identity_.advertise_rtmp = std::move(advertise_rtmp);
    epoch = epoch_;
  }
  return WriteRow(epoch);
}

int64_t Membership::epoch() const {
  std::lock_guard lock(mutex_);
  return epoch_;
}

void Membership::Hold(const metadata::Lease& lease) {
  epoch_ = lease.epoch;
  held_until_ms_ = lease.expires_at_ms;
  lost_ = false;
  lost_reason_.clear();
}

Status Membership::Join(const std::function<void(int64_t)>& sleep_ms,
                        const std::string& previous_instance) {
  const int64_t deadline = clock_.NowMs() + lease_ms_ + beat_interval_ms();
  bool told = false;
  while (true) {
    auto lease = leases_.Acquire(Key(), instance_id_, lease_ms_, previous_instance);
    if (lease) {
      {
        std::lock_guard lock(mutex_);
        Hold(*lease);
      }
      spdlog::info("cluster: node {} joined (lease epoch {}, {} ms, instance {})",
                   identity_.node_id, lease->epoch, lease_ms_, instance_id_);
      return WriteRow(lease->epoch);
    }
    if (lease.error().code() != ErrorCode::kLeaseHeld) return lease.error();
    int64_t now = clock_.NowMs();
    if (now >= deadline) {
      return Status(ErrorCode::kNodeIdInUse, "",
                    fmt::format("node id '{}': another process keeps renewing its lease ({}); "
                                "stop it, or give this node another [cluster] node_id",
                                identity_.node_id, lease.error().detail()));
    }
    if (!told) {
      spdlog::warn(
          "cluster: node id '{}' is held by another process ({}); waiting up to {} ms for it "
          "to lapse, as the lease of a process that ended without releasing it does",
          identity_.node_id, lease.error().detail(), deadline - now);
      told = true;
    }
    sleep_ms(std::min<int64_t>(deadline - now, std::max<int64_t>(50, beat_interval_ms() / 2)));
  }
}

Status Membership::WriteRow(int64_t epoch) {
  NodeLoad load = load_ ? load_() : NodeLoad{};
  NodeIdentity id = identity();
  metadata::NodeRow row{id.node_id,        id.advertise_http,   id.advertise_rtmp,
                        id.version,        started_at_ms_,      clock_.NowMs(),
                        load.live_streams, load.relays_running, load.upload_lag_ms};
  return db_.InTransaction([&](metadata::SqlSession& tx) -> Status {
    LIVEREC_RETURN_IF_ERROR(leases_.CheckFence(tx, Key(), instance_id_, epoch));
    return metadata::NodeRepository::Save(tx, row);
  });
}

void Membership::Beat() {
  int64_t epoch, held_until;
  bool lost;
  {
    std::lock_guard lock(mutex_);
    epoch = epoch_, held_until = held_until_ms_, lost = lost_;
  }
  if (lost) return TakeBack();
  int64_t now = clock_.NowMs();
  auto renewed = leases_.Renew(Key(), instance_id_, epoch, lease_ms_);
  if (!renewed && renewed.error().code() == ErrorCode::kLeaseLost) {
    spdlog::error(
        "cluster: node {} lost its lease: {}; unhealthy until it takes the lease back (another "
        "process with this node id is running, or ran while this one was paused)",
        identity_.node_id, renewed.error().detail());
    {
      std::lock_guard lock(mutex_);
      lost_ = true;
      lost_reason_ = renewed.error().detail();
    }
    return TakeBack();
  }
  if (!renewed) {
    spdlog::warn("cluster: node {} could not renew its lease (held until {}): {}",
                 identity_.node_id, FormatIsoUtc(held_until), renewed.error().ToString());
    return;
  }
  if (now >= held_until) {
    spdlog::warn(
        "cluster: node {} renewed its lease {} ms after it lapsed (paused, or the "
        "database was unreachable); no other process took it (epoch {})",
        identity_.node_id, now - held_until, epoch);
  }
  {
    std::lock_guard lock(mutex_);
    Hold(*renewed);
  }
  if (Status row = WriteRow(epoch); !row.ok()) {
    spdlog::warn("cluster: node {}: heartbeat row: {}", identity_.node_id, row.ToString());
  }
}

void Membership::TakeBack() {
  auto taken = leases_.Acquire(Key(), instance_id_, lease_ms_);
  if (!taken) {
    if (taken.error().code() != ErrorCode::kLeaseHeld) {
      spdlog::warn("cluster: node {}: {}", identity_.node_id, taken.error().ToString());
    }
    return;
  }
  {
    std::lock_guard lock(mutex_);
    Hold(*taken);
  }
  spdlog::warn("cluster: node {} took its lease back at epoch {}", identity_.node_id, taken->epoch);
  if (Status row = WriteRow(taken->epoch); !row.ok()) {
    spdlog::warn("cluster: node {}: heartbeat row: {}", identity_.node_id, row.ToString());
  }
}

void Membership::Leave() {
  int64_t epoch;
  {
    std::lock_guard lock(mutex_);
    if (lost_ || epoch_ == 0) return;
    epoch = epoch_;
    held_until_ms_ = 0;
  }
  auto released = leases_.Release(Key(), instance_id_, epoch);
  if (!released) {
    spdlog::warn("cluster: node {} could not release its lease: {}", identity_.node_id,
                 released.error().ToString());
  } else if (*released) {
    spdlog::info("cluster: node {} left (lease released)", identity_.node_id);
  }
}

Status Membership::Health() const {
  std::lock_guard lock(mutex_);
  if (lost_) {
    return Status(ErrorCode::kServiceUnavailable, "", "cluster: node lease lost: " + lost_reason_);
  }
  if (epoch_ == 0) return Status(ErrorCode::kServiceUnavailable, "", "cluster: not joined");
  if (clock_.NowMs() >= held_until_ms_) {
    return Status(ErrorCode::kServiceUnavailable, "",
                  fmt::format("cluster: node lease lapsed at {} (not renewed: the database did "
                              "not answer, or the process was paused)",
                              FormatIsoUtc(held_until_ms_)));
  }
  return Status::Ok();
}

}  // namespace liverec::cluster
