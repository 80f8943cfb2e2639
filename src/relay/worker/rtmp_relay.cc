#include "relay/worker/rtmp_relay.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>
#include <vector>

#include "base/random.h"
#include "media/rtmp/rtmp_play_client.h"
#include "media/rtmp/rtmp_publish_client.h"

namespace liverec::relay::worker {
namespace {

using Clock = std::chrono::steady_clock;
using media::rtmp::MessageType;
using media::rtmp::RtmpMessage;

constexpr size_t kReadBytes = 64 * 1024;
constexpr size_t kMaxBacklog = 16 << 20;  // bytes the destination may be behind
constexpr int kTickMs = 100;              // how often a stop request is looked at
constexpr size_t kPrimeMessages = 64;     // audio/video messages read before the destination
constexpr size_t kMaxReadPerWake = 1 << 20;
// After a read, the next one waits this long: one wake-up then serves a few messages (a
// 2 Mbit/s stream brings ~70 a second) for at most this much more latency.
constexpr int kBatchMs = 50;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string Errno(const char* what, int error) {
  return std::string(what) + ": " + std::strerror(error);
}

int MillisLeft(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, kTickMs));
}

// A non-blocking TCP connection to `endpoint` (each resolved address in turn) by `deadline`;
// "" in `error` when a stop request cut it short.
Fd Connect(const RtmpEndpoint& endpoint, Clock::time_point deadline, const StopSignal& stop,
           std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    error = "resolve " + endpoint.host + ": " + ::gai_strerror(rc);
    return Fd();
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, &::freeaddrinfo);
  error = "no address for " + endpoint.host;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (fd.get() < 0) {
      error = Errno("socket", errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      error = std::strerror(errno);
      continue;
    }
    while (true) {
      if (stop.Requested()) {
        error.clear();
        return Fd();
      }
      if (Clock::now() >= deadline) {
        error = "connection timed out";
        return Fd();
      }
      pollfd p{fd.get(), POLLOUT, 0};
      if (::poll(&p, 1, MillisLeft(deadline)) > 0) break;
    }
    int so_error = 0;
    socklen_t length = sizeof(so_error);
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &length);
    if (so_error == 0) return fd;
    error = std::strerror(so_error);
  }
  return Fd();
}

// Bytes waiting to be sent on one socket.
class Outbox {
 public:
  size_t size() const { return bytes_.size() - sent_; }
  void Append(std::vector<uint8_t> more) {
    if (more.empty()) return;
    if (size() == 0) {
      bytes_ = std::move(more);
      sent_ = 0;
      return;
    }
    bytes_.insert(bytes_.end(), more.begin(), more.end());
  }
  // Sends what the socket takes now; "" or the error. `sent_any`: whether bytes left.
  std::string Flush(int fd, bool& sent_any) {
    while (size() > 0) {
      const ssize_t n = ::send(fd, bytes_.data() + sent_, size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0) return Errno("send", errno);
      sent_ += static_cast<size_t>(n);
      sent_any = true;
    }
    if (size() == 0) {
      bytes_.clear();
      sent_ = 0;
    }
    return "";
  }

 private:
  std::vector<uint8_t> bytes_;
  size_t sent_ = 0;
};

// What one recv of a non-blocking socket gave: bytes (none when there was nothing yet), the
// peer's close, or an error.
struct ReadResult {
  size_t bytes = 0;
  bool closed = false;
  std::string error;
};
ReadResult ReadSome(int fd, std::vector<uint8_t>& buffer) {
  ReadResult result;
  while (true) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return result;
    if (n < 0) {
      result.error = Errno("recv", errno);
      return result;
    }
    result.closed = n == 0;
    result.bytes = static_cast<size_t>(n);
    return result;
  }
}

// One turn of a connection: sends what is queued, waits (until `deadline`, a tick at most) for
// the peer and feeds what it sent to `client` (a play or publish client), queueing its answer.
// "" or what went wrong; `closed` when the peer closed the connection.
template <typename Client>
std::string Turn(int fd, Outbox& out, Client& client, std::vector<uint8_t>& buffer,
                 Clock::time_point deadline, bool& closed) {
  bool sent = false;
  if (auto e = out.Flush(fd, sent); !e.empty()) return e;
  pollfd p{fd, static_cast<short>(POLLIN | (out.size() ? POLLOUT : 0)), 0};
  if (::poll(&p, 1, MillisLeft(deadline)) <= 0) return "";
  ReadResult read = ReadSome(fd, buffer);
  if (!read.error.empty()) return read.error;
  closed = read.closed;
  if (read.closed || read.bytes == 0) return "";
  if (Status fed = client.Feed({buffer.data(), read.bytes}); !fed.ok()) {
    return "RTMP: " + fed.detail();
  }
  out.Append(client.TakeOutput());
  return "";
}

// FLV tag body checks (Adobe FLV spec v10.1 annex E.4.2.1, E.4.3.1): what FLV can carry.
std::string Unrelayable(const RtmpMessage& message) {
  if (message.payload.empty()) return "";
  const uint8_t first = message.payload[0];
  if (message.type == MessageType::kAudio) {
    const int format = first >> 4;
    if (format == 10 || format == 2 || format == 14) return "";
    return "audio codec " + std::to_string(format) +
           " (FLV SoundFormat) cannot be relayed (FLV/RTMP carries AAC or MP3)";
  }
  if (first & 0x80) {
    return "enhanced RTMP video (HEVC, AV1, VP9) cannot be relayed (FLV/RTMP carries H.264 only;"
           " FFmpeg 5.1 has no HEVC-in-FLV muxer)";
  }
  if ((first & 0x0f) == 7) return "";
  return "video codec " + std::to_string(first & 0x0f) +
         " (FLV CodecID) cannot be relayed (FLV/RTMP carries H.264 only)";
}

// The onMetaData of a data message (§7.1.2: "onMetaData", obj; or "@setDataFrame" first), from
// its "onMetaData" string on; empty for any other data.
std::span<const uint8_t> Metadata(const RtmpMessage& message) {
  std::span<const uint8_t> p(message.payload);
  auto string_at = [&](size_t at, std::string_view text) {
    return p.size() >= at + 3 + text.size() && p[at] == 0x02 &&
           ((size_t{p[at + 1]} << 8) | p[at + 2]) == text.size() &&
           std::memcmp(p.data() + at + 3, text.data(), text.size()) == 0;
  };
  if (message.type != MessageType::kDataAmf0) return {};
  size_t at = 0;
  if (string_at(0, "@setDataFrame")) at = 3 + 13;
  return string_at(at, "onMetaData") ? p.subspan(at) : std::span<const uint8_t>();
}

// A sequence header: the AVC decoder configuration (annex E.4.3.1, AVCPacketType 0) or the AAC
// AudioSpecificConfig (E.4.2.1, AACPacketType 0).
bool IsSequenceHeader(const RtmpMessage& m) {
  if (m.payload.size() < 2 || m.payload[1] != 0) return false;
  if (m.type == MessageType::kVideo) return (m.payload[0] & 0x0f) == 7;
  return m.type == MessageType::kAudio && (m.payload[0] >> 4) == 10;
}

// The first messages of a stream as the destination should see them: metadata first, then
// the sequence headers, then the rest in the order received. A server that had a player before
// its publisher (nginx-rtmp) sends each track's sequence header just before that track's first
// frame, so the audio one comes after video frames; a recorder at the destination would take
// the stream for video alone and then see its configuration change.
void PutHeadersFirst(std::vector<RtmpMessage>& messages) {
  std::stable_partition(messages.begin(), messages.end(), [](const RtmpMessage& m) {
    return m.type != MessageType::kAudio && m.type != MessageType::kVideo;
  });
  auto media = std::find_if(messages.begin(), messages.end(), [](const RtmpMessage& m) {
    return m.type == MessageType::kAudio || m.type == MessageType::kVideo;
  });
  std::stable_partition(media, messages.end(), IsSequenceHeader);
}

}  // namespace

RtmpRelay::RtmpRelay(RtmpEndpoint source, std::string source_for_logs,
                     std::string destination_for_logs, const RelayTimeouts& timeouts,
                     StopSignal& stop, RtmpRelayHooks hooks)
    : source_(std::move(source)),
      source_for_logs_(std::move(source_for_logs)),
      destination_for_logs_(std::move(destination_for_logs)),
      timeouts_(timeouts),
      stop_(stop),
      hooks_(std::move(hooks)) {}

namespace {

// The state of one relay attempt: both connections and what is in flight between them.
struct Session {
  Session(RandomSource& random, const RtmpEndpoint& source)
      : play(random, {source.tc_url, source.app, source.stream}), buffer(kReadBytes) {}

  media::rtmp::RtmpPlayClient play;
  std::unique_ptr<media::rtmp::RtmpPublishClient> publish;
  Fd source_fd;
  Fd destination_fd;
  Outbox to_source;
  Outbox to_destination;
  std::vector<uint8_t> buffer;
  bool started = false;
  int64_t origin = 0;
  std::array<int64_t, 2> last_out = {0, 0};  // audio, video
  int64_t latest_ms = 0;
};

}  // namespace

RelayResult<void> RtmpRelay::Run() {
  OsRandom random;
  Session s(random, source_);
  const auto pull = [&](const std::string& what) {
    return PullFailed(what + ": " + source_for_logs_);
  };
  const auto push = [&](const std::string& what) {
    return PushFailed(what + ": " + destination_for_logs_);
  };

  // The source: connected and playing, with its first media.
  auto deadline = Clock::now() + timeouts_.open;
  std::string error;
  s.source_fd = Connect(source_, deadline, stop_, error);
  if (s.source_fd.get() < 0) {  // worded as libavformat's path words it
    if (error.empty()) return {};
    return PullFailed("open " + source_for_logs_ + ": " + error);
  }
  s.play.Start();
  s.to_source.Append(s.play.TakeOutput());
  // Primed: read until both tracks have shown up, or kPrimeMessages audio/video messages came
  // (a stream with one track), as libavformat's path primes its packets.
  std::vector<RtmpMessage> pending;
  std::array<bool, 2> seen = {false, false};
  size_t av_messages = 0;
  while (!(seen[0] && seen[1]) && av_messages < kPrimeMessages) {
    if (stop_.Requested()) return {};
    if (Clock::now() >= deadline) {
      return pull("no media from the source within the open timeout (last status: " +
                  s.play.status_code() + ")");
    }
    bool closed = false;
    std::string e = Turn(s.source_fd.get(), s.to_source, s.play, s.buffer, deadline, closed);
    if (!e.empty()) return pull(e);
    if (closed) return pull("the source closed the connection");
    if (s.play.ended()) return pull("the live source ended");
    for (RtmpMessage& message : s.play.TakeMedia()) {
      if (message.type == MessageType::kAudio || message.type == MessageType::kVideo) {
        seen[message.type == MessageType::kVideo ? 1 : 0] = true;
        ++av_messages;
      }
      pending.push_back(std::move(message));
    }
  }
  PutHeadersFirst(pending);

  // The destination: its plan, connected and publishing.
  auto plan = hooks_.prepare_destination();
  if (!plan) return tl::make_unexpected(plan.error());
  auto destination = RtmpEndpointOf(*plan);
  if (!destination) return push("not a destination liverec's RTMP client takes");
  deadline = Clock::now() + timeouts_.open;
  s.destination_fd = Connect(*destination, deadline, stop_, error);
  if (s.destination_fd.get() < 0) {
    if (error.empty()) return {};
    return PushFailed("connect to " + destination_for_logs_ + ": " + error);
  }
  s.publish = std::make_unique<media::rtmp::RtmpPublishClient>(
      random, media::rtmp::PublishClientOptions{destination->tc_url, destination->app,
                                                destination->stream});
  s.publish->Start();
  s.to_destination.Append(s.publish->TakeOutput());
  while (!s.publish->publishing()) {
    if (stop_.Requested()) return {};
    if (Clock::now() >= deadline) return push("publish: timed out");
    bool closed = false;
    std::string e =
        Turn(s.destination_fd.get(), s.to_destination, *s.publish, s.buffer, deadline, closed);
    if (!e.empty()) return push(e);
    if (closed) return push("the destination closed the connection");
  }
  hooks_.on_running();

  // Forwards `messages`; a PullStreamFailed for one FLV cannot carry.
  auto forward = [&](std::vector<RtmpMessage>& messages) -> RelayResult<void> {
    int64_t count = 0;
    for (RtmpMessage& message : messages) {
      if (message.type != MessageType::kAudio && message.type != MessageType::kVideo) {
        if (auto metadata = Metadata(message); !metadata.empty()) {
          s.publish->SendMetadata(metadata, s.latest_ms);
        }
        continue;
      }
      if (std::string why = Unrelayable(message); !why.empty()) return pull(why);
      if (!s.started) {
        s.started = true;
        s.origin = message.timestamp;
      }
      int64_t& last = s.last_out[message.type == MessageType::kVideo ? 1 : 0];
      last = std::max(last, message.timestamp - s.origin);
      s.latest_ms = std::max(s.latest_ms, last);
      s.publish->Forward(std::move(message), last);
      ++count;
    }
    messages.clear();
    s.to_destination.Append(s.publish->TakeOutput());
    if (count > 0) hooks_.on_progress(static_cast<double>(s.latest_ms) / 1000, count);
    return {};
  };
  if (auto ok = forward(pending); !ok) return ok;

  // Unpublishes and lets the destination have everything before the connection closes: what
  // is queued is sent, then our side is shut and the peer's answer read to its end (closing a
  // socket with unread bytes would reset the connection, and the peer could lose the stream's
  // last seconds still in its receive buffer). Bounded by timeouts.io.
  auto unpublish = [&] {
    s.publish->Unpublish();
    s.to_destination.Append(s.publish->TakeOutput());
    const auto until = Clock::now() + timeouts_.io;
    const int fd = s.destination_fd.get();
    bool shut = false;
    while (!stop_.Requested() && Clock::now() < until) {
      bool sent = false;
      if (!s.to_destination.Flush(fd, sent).empty()) return;
      if (s.to_destination.size() == 0 && !shut) {
        ::shutdown(fd, SHUT_WR);
        shut = true;
      }
      pollfd p{fd, static_cast<short>(POLLIN | (shut ? 0 : POLLOUT)), 0};
      if (::poll(&p, 1, MillisLeft(until)) <= 0) continue;
      ReadResult read = ReadSome(fd, s.buffer);
      if (!read.error.empty() || read.closed) return;
    }
  };
  auto last_source_data = Clock::now();
  auto last_destination_progress = Clock::now();
  Clock::time_point next_read{};
  while (true) {
    if (stop_.Requested()) {
      unpublish();
      return {};
    }
    bool sent = false;
    if (auto e = s.to_destination.Flush(s.destination_fd.get(), sent); !e.empty()) return push(e);
    if (sent || s.to_destination.size() == 0) last_destination_progress = Clock::now();
    if (auto e = s.to_source.Flush(s.source_fd.get(), sent); !e.empty()) return pull(e);
    // What was read is on its way; the next read waits for the batch interval, so that it
    // finds several messages instead of waking up for each (the socket buffers them).
    if (Clock::now() < next_read && stop_.WaitUntil(next_read)) continue;
    const auto now = Clock::now();
    if (now - last_source_data >= timeouts_.io) {
      unpublish();
      return pull("no data from the source for " + std::to_string(timeouts_.io.count() / 1000) +
                  " s");
    }
    if (now - last_destination_progress >= timeouts_.io || s.to_destination.size() > kMaxBacklog) {
      return push("the destination does not take the stream");
    }
    std::array<pollfd, 2> p{
        pollfd{s.source_fd.get(), static_cast<short>(POLLIN | (s.to_source.size() ? POLLOUT : 0)),
               0},
        pollfd{s.destination_fd.get(),
               static_cast<short>(POLLIN | (s.to_destination.size() ? POLLOUT : 0)), 0}};
    if (::poll(p.data(), p.size(), kTickMs) <= 0) continue;
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ReadResult read = ReadSome(s.destination_fd.get(), s.buffer);
      if (!read.error.empty()) return push(read.error);
      if (read.closed) return push("the destination closed the connection");
      if (Status fed = s.publish->Feed({s.buffer.data(), read.bytes}); !fed.ok()) {
        return push("RTMP: " + fed.detail());
      }
      s.to_destination.Append(s.publish->TakeOutput());
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      // Everything the socket has (a read that fills the buffer may leave more), up to 1 MiB.
      for (size_t total = 0; total < kMaxReadPerWake;) {
        ReadResult read = ReadSome(s.source_fd.get(), s.buffer);
        if (!read.error.empty()) return pull(read.error);
        if (read.closed) {
          unpublish();
          return pull("the live source ended (connection closed)");
        }
        if (read.bytes == 0) break;
        total += read.bytes;
        last_source_data = Clock::now();
        if (Status fed = s.play.Feed({s.buffer.data(), read.bytes}); !fed.ok()) {
          return pull("RTMP: " + fed.detail());
        }
        if (read.bytes < s.buffer.size()) break;
      }
      s.to_source.Append(s.play.TakeOutput());
      auto media = s.play.TakeMedia();
      if (auto ok = forward(media); !ok) return ok;
      if (s.play.ended()) {
        unpublish();
        return pull("the live source ended");
      }
      next_read = last_source_data + std::chrono::milliseconds(kBatchMs);
    }
  }
}

}  // namespace liverec::relay::worker
