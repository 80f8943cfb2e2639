// PostgresListener: LISTEN on a few channels over a libpq connection of its own (not one of the
// pool's: a listening session must stay open and idle), for wake-ups between nodes
// (docs/cluster.md "Live streams and commands across nodes"). Wait sleeps in poll() on the
// connection's socket and an eventfd (Interrupt), reads what arrived with PQconsumeInput and
// returns the notifications (PQnotifies). A lost connection (the server restarted, the backend
// was terminated, the network broke: TCP keepalives notice a silent peer in about 10 s) is
// dropped and made again at a later Wait, at most once a second; the Wait that made a connection
// (the first one too) says so (`new_connection`), since notifications sent while nobody listened
// are lost: the caller then reads whatever it would have been woken for. Notifications are only
// hints: whoever uses them also polls, so a lost one only delays. Thread-safety: Wait from one
// thread at a time; Interrupt from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

struct pg_conn;

namespace liverec::metadata {

struct PostgresNotification {
  std::string channel;
  std::string payload;
};

struct ListenerWake {
  std::vector<PostgresNotification> notifications;
  bool new_connection = false;  // a new connection listens now; anything sent before was missed
  bool interrupted = false;     // Interrupt was called
};

class PostgresListener {
 public:
  static constexpr int64_t kReconnectIntervalMs = 1000;

  // Connects at the first Wait. Channel names longer than kMaxChannelBytes are cut (as
  // PostgreSQL would cut an identifier); use ChannelName to make them.
  PostgresListener(std::string url, std::vector<std::string> channels);
  ~PostgresListener();
  PostgresListener(const PostgresListener&) = delete;
  PostgresListener& operator=(const PostgresListener&) = delete;

  // Waits up to `timeout_ms` for notifications, connecting first when there is no connection
  // (and returning at once after a new one). Returns as soon as one arrives, or Interrupt is
  // called, or the time is up (empty). No connection (it failed, or was lost during the wait) is
  // an error (ServiceUnavailable, saying why, with the masked URL); a failed connection attempt
  // returns it after waiting out the timeout, so that a loop around Wait does not spin.
  Result<ListenerWake> Wait(int64_t timeout_ms);
  // Makes the current (or the next) Wait return at once with `interrupted`.
  void Interrupt();
  bool connected() const { return conn_ != nullptr; }
  // The backend's process id (pg_terminate_backend in tests); 0 when not connected.
  int BackendPidForTest() const;

  static constexpr size_t kMaxChannelBytes = 63;  // NAMEDATALEN - 1
  static std::string ChannelName(std::string_view name);

 private:
  Status Connect();
  void Drop(std::string_view why);
  // Waits on the socket (or only the eventfd when `socket` < 0); true when the eventfd fired.
  bool Poll(int socket, int64_t timeout_ms);
  // Reads what arrived; false (and the connection dropped) when it is lost.
  bool Drain(ListenerWake& wake);

  const std::string url_;
  const std::vector<std::string> channels_;
  pg_conn* conn_ = nullptr;
  int event_fd_ = -1;
  int64_t next_connect_ms_ = 0;  // steady clock; reconnections at most once per interval
  std::string last_failure_;
};

}  // namespace liverec::metadata
