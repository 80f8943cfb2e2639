#include "storage/s3/curl_handle_pool.h"

namespace liverec::storage {
namespace {

void GlobalInitOnce() {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

CurlHandlePool::CurlHandlePool(size_t max_idle) : max_idle_(max_idle) {
  GlobalInitOnce();
  share_ = curl_share_init();
  if (share_) {
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlHandlePool::Lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlHandlePool::Unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

CurlHandlePool::~CurlHandlePool() {
  // Every lease has ended (the store outlives its calls); easy handles go before the share.
  for (CURL* handle : idle_) curl_easy_cleanup(handle);
  if (share_) curl_share_cleanup(share_);
}

void CurlHandlePool::Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<CurlHandlePool*>(user)->share_locks_[data].lock();
}

void CurlHandlePool::Unlock(CURL*, curl_lock_data data, void* user) {
  static_cast<CurlHandlePool*>(user)->share_locks_[data].unlock();
}

CurlHandlePool::Lease CurlHandlePool::Acquire() {
  CURL* handle = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      handle = idle_.back();
      idle_.pop_back();
    }
  }
  if (handle) {
    curl_easy_reset(handle);  // options only: live connections and caches stay
  } else {
    handle = curl_easy_init();
  }
  if (handle && share_) curl_easy_setopt(handle, CURLOPT_SHARE, share_);
  return Lease(this, handle);
}

void CurlHandlePool::Release(CURL* handle) {
  {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(handle);
}

CurlHandlePool::Lease::~Lease() {
  if (handle_) pool_->Release(handle_);
}

}  // namespace liverec::storage
