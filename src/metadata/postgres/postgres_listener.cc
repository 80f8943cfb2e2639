#include "metadata/postgres/postgres_listener.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>

#include <fmt/format.h>

#include "metadata/postgres/postgres_url.h"

namespace liverec::metadata {
namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// Notices (a channel name cut to 63 bytes, say) are not worth stderr.
void IgnoreNotice(void*, const char*) {}

}  // namespace

PostgresListener::PostgresListener(std::string url, std::vector<std::string> channels)
    : url_(std::move(url)), channels_(std::move(channels)) {
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

PostgresListener::~PostgresListener() {
  if (conn_ != nullptr) PQfinish(conn_);
  if (event_fd_ >= 0) close(event_fd_);
}

std::string PostgresListener::ChannelName(std::string_view name) {
  return std::string(name.substr(0, kMaxChannelBytes));
}

int PostgresListener::BackendPidForTest() const {
  return conn_ == nullptr ? 0 : PQbackendPID(conn_);
}

void PostgresListener::Interrupt() {
  uint64_t one = 1;
  if (event_fd_ >= 0) (void)!write(event_fd_, &one, sizeof one);
}

Status PostgresListener::Connect() {
  // The URL comes last and so overrides these defaults when it sets them itself. Keepalives
  // notice a peer gone silent (a broken network) in about 5 + 2 * 3 s.
  const char* keys[] = {"connect_timeout",     "application_name", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "dbname",     nullptr};
  const char* values[] = {"5", "liverec-listener", "1", "5", "2", "3", url_.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string reason = conn ? Trimmed(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    return Status(ErrorCode::kServiceUnavailable, "",
                  fmt::format("cannot connect to PostgreSQL at {} to listen: {}",
                              MaskDatabaseUrl(url_), reason));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  for (const auto& channel : channels_) {
    std::string name = ChannelName(channel);
    char* quoted = PQescapeIdentifier(conn, name.data(), name.size());
    std::string sql = fmt::format("LISTEN {}", quoted ? quoted : "");
    PQfreemem(quoted);
    PGresult* result = PQexec(conn, sql.c_str());
    bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    std::string reason = ok ? "" : Trimmed(PQresultErrorMessage(result));
    PQclear(result);
    if (!ok) {
      PQfinish(conn);
      return Status(
          ErrorCode::kServiceUnavailable, "",
          fmt::format("cannot LISTEN on {} at {}: {}", name, MaskDatabaseUrl(url_), reason));
    }
  }
  conn_ = conn;
  return Status::Ok();
}

void PostgresListener::Drop(std::string_view why) {
  last_failure_ = fmt::format("lost the listening connection to PostgreSQL at {}: {}",
                              MaskDatabaseUrl(url_), why);
  PQfinish(conn_);
  conn_ = nullptr;
}

bool PostgresListener::Poll(int socket, int64_t timeout_ms) {
  pollfd fds[2] = {{event_fd_, POLLIN, 0}, {socket, POLLIN, 0}};
  int timeout = static_cast<int>(std::clamp<int64_t>(timeout_ms, 0, INT_MAX));
  int ready = poll(fds, socket >= 0 ? 2 : 1, timeout);
  if (ready <= 0 || (fds[0].revents & POLLIN) == 0) return false;
  uint64_t count = 0;
  (void)!read(event_fd_, &count, sizeof count);
  return true;
}

bool PostgresListener::Drain(ListenerWake& wake) {
  if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
    Drop(Trimmed(PQerrorMessage(conn_)));
    return false;
  }
  while (PGnotify* notify = PQnotifies(conn_)) {
    wake.notifications.push_back(
        {notify->relname ? notify->relname : "", notify->extra ? notify->extra : ""});
    PQfreemem(notify);
  }
  return true;
}

Result<ListenerWake> PostgresListener::Wait(int64_t timeout_ms) {
  ListenerWake wake;
  if (conn_ == nullptr) {
    if (SteadyMs() >= next_connect_ms_) {
      next_connect_ms_ = SteadyMs() + kReconnectIntervalMs;
      Status connected = Connect();
      if (!connected.ok()) last_failure_ = connected.detail();
    }
    if (conn_ == nullptr) {
      wake.interrupted = Poll(-1, timeout_ms);
      if (wake.interrupted) return wake;
      return Error(ErrorCode::kServiceUnavailable, "", last_failure_);
    }
    wake.new_connection = true;
    if (!Drain(wake)) return Error(ErrorCode::kServiceUnavailable, "", last_failure_);
    return wake;
  }
  // Input that holds no notification (a message before the socket closes, part of one) sends
  // the wait back to poll() until the time is up.
  const int64_t until_ms = SteadyMs() + timeout_ms;
  while (true) {
    if (!Drain(wake)) return Error(ErrorCode::kServiceUnavailable, "", last_failure_);
    int64_t left = until_ms - SteadyMs();
    if (!wake.notifications.empty() || wake.interrupted || left <= 0) return wake;
    wake.interrupted = Poll(PQsocket(conn_), left);
  }
}

}  // namespace liverec::metadata
