// CurlHandlePool: libcurl easy handles kept between requests so their connections (and TLS
// sessions) are reused, plus one share handle for the DNS cache and TLS session IDs of all of
// them. Acquire gives a handle to one thread; it returns to the pool when the lease ends, unless
// the pool already keeps `max_idle` handles (then it is closed).
// Thread-safety: Acquire may be called from any thread; a lease belongs to one thread.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include <curl/curl.h>

namespace liverec::storage {

class CurlHandlePool {
 public:
  explicit CurlHandlePool(size_t max_idle);
  ~CurlHandlePool();
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  class Lease {
   public:
    Lease(CurlHandlePool* pool, CURL* handle) : pool_(pool), handle_(handle) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), handle_(other.handle_) {
      other.handle_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    // Null when libcurl could not make a handle.
    CURL* Get() const { return handle_; }

   private:
    CurlHandlePool* pool_;
    CURL* handle_;
  };

  // A handle reset to default options with the pool's share handle set.
  Lease Acquire();

 private:
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user);
  static void Unlock(CURL*, curl_lock_data data, void* user);
  void Release(CURL* handle);

  size_t max_idle_;
  CURLSH* share_ = nullptr;
  std::mutex share_locks_[CURL_LOCK_DATA_LAST];
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

}  // namespace liverec::storage
