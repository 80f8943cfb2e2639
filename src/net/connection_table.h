// ConnectionTable: the HTTP server's account of its open connections and their cap.
//
// A connection is idle while it waits for (or reads) a request and busy while its request is
// handled and answered. At the cap a new connection is admitted only by evicting the connection
// that has been idle longest: idle keep-alive connections cannot crowd out the API and /healthz,
// and the server never holds more sockets than the cap (plus those being closed). With none idle,
// the new connection is refused. The table never closes anything itself: it hands back the
// evicted connection's close function for the caller to run.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

namespace liverec::net {

class ConnectionTable {
 public:
  using CloseFn = std::function<void()>;

  explicit ConnectionTable(int64_t capacity) : capacity_(capacity) {}

  struct Admission {
    uint64_t id = 0;
    CloseFn evicted;  // set when an idle connection had to make room: run it to close that one
  };

  // A new connection, idle from `now_ms`; `close` closes it (it may be called from any thread).
  // nullopt: at the cap with no idle connection to evict (refuse the new one).
  std::optional<Admission> Admit(int64_t now_ms, CloseFn close);
  // The connection waits for its next request from `now_ms` on.
  void SetIdle(uint64_t id, int64_t now_ms);
  // The connection's request is being handled: it is not evicted.
  void SetBusy(uint64_t id);
  // The connection is gone (closed by either side, or evicted). Unknown ids are ignored.
  void Remove(uint64_t id);

  int64_t size() const;
  int64_t capacity() const { return capacity_; }
  int64_t evictions() const;

 private:
  struct Entry {
    CloseFn close;
    std::optional<int64_t> idle_since_ms;
  };
  std::optional<uint64_t> OldestIdleLocked() const;

  const int64_t capacity_;
  mutable std::mutex mu_;
  std::map<uint64_t, Entry> entries_;
  uint64_t next_id_ = 1;
  int64_t evictions_ = 0;
};

}  // namespace liverec::net
