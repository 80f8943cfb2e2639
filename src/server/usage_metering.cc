#include "server/usage_metering.h"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace liverec::server {

bool UsageMetering::Sample() {
  auto rows = meter_.Collect();
  pending_.insert(pending_.end(), rows.begin(), rows.end());
  if (pending_.empty()) return true;
  Status written = repo_.AddMinutes(node_, pending_);
  if (written.ok()) {
    pending_.clear();
    return true;
  }
  spdlog::warn("usage: {} row(s) of recording usage not written yet: {}", pending_.size(),
               written.ToString());
  if (pending_.size() > kMaxPendingRows) {
    size_t dropped = pending_.size() - kMaxPendingRows;
    spdlog::error("usage: the {} oldest row(s) of recording usage are dropped", dropped);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(dropped));
  }
  return false;
}

void UsageMetering::Start(boost::asio::io_context& io, boost::asio::thread_pool& workers,
                          std::chrono::milliseconds period) {
  workers_ = &workers;
  period_ = period;
  if (period.count() != kPeriodMs) {
    spdlog::warn("testing section enabled: recording usage written every {} ms", period.count());
  }
  {
    std::lock_guard lock(timer_mutex_);
    timer_ = std::make_unique<boost::asio::steady_timer>(io);
  }
  Schedule();
}

void UsageMetering::Schedule() {
  std::lock_guard lock(timer_mutex_);
  if (stopping_ || !timer_) return;
  timer_->expires_after(period_);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    boost::asio::post(*workers_, [this] {
      Sample();
      Schedule();
    });
  });
}

void UsageMetering::Stop() {
  std::lock_guard lock(timer_mutex_);
  stopping_ = true;
  if (timer_) timer_->cancel();
}

void UsageMetering::DropTimer() {
  std::lock_guard lock(timer_mutex_);
  timer_.reset();
}

}  // namespace liverec::server
