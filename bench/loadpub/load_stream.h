// LoadStream: one RTMP publishing connection of liverec-loadpub on a Boost.Asio socket.
//
// media::rtmp::RtmpPublishClient runs the handshake and the connect/createStream/publish
// commands (and acknowledges the server's window); once NetStream.Publish.Start arrives, Tick
// queues the MemoryFlv tags that are due at the wall clock, looping the file with timestamps
// that keep increasing (script tags and codec sequence headers only on the first pass). Media
// messages are chunked here with a ChunkEncoder into a buffer that is reused, and each Tick
// makes at most one socket write: after warm-up nothing is allocated per packet.
//
// The owner (LoadDriver) calls Connect once, Tick on its timer and Stop at the end, all on the
// io_context's one thread. Thread-safety: none; everything runs on the io_context's thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/clock.h"
#include "base/random.h"
#include "media/rtmp/chunk_encoder.h"
#include "media/rtmp/rtmp_publish_client.h"
#include "memory_flv.h"

namespace liverec::loadpub {

enum class StreamState { kIdle, kConnecting, kNegotiating, kPublishing, kStopping, kClosed };

struct StreamStats {
  uint64_t bytes_sent = 0;   // bytes the socket accepted (RTMP chunks, all messages)
  uint64_t media_bytes = 0;  // audio + video tag bodies queued
  uint64_t video_frames = 0;
  uint64_t audio_frames = 0;
  uint64_t keyframes = 0;
  int64_t first_video_ms = -1;  // output timestamps of the first and last video frame queued
  int64_t last_video_ms = -1;
  int64_t connect_ms = -1;  // wall-clock ms from Connect to NetStream.Publish.Start
  uint64_t late_ticks = 0;  // ticks that found the previous write still in flight
  uint64_t max_backlog_bytes = 0;
  bool published = false;  // reached NetStream.Publish.Start
  bool clean_end = false;  // unpublished and closed by us, not by an error
  std::string error;       // the first error, empty if none
};

class LoadStream {
 public:
  // `flv`, `random` and `clock` (monotonic; SteadyClock) must outlive the stream.
  LoadStream(boost::asio::io_context& io, const MemoryFlv& flv, RandomSource& random,
             const Clock& clock, media::rtmp::PublishClientOptions options);
  LoadStream(const LoadStream&) = delete;
  LoadStream& operator=(const LoadStream&) = delete;

  void Connect(const boost::asio::ip::tcp::endpoint& endpoint);
  // Queues the tags due at `now_ms` and starts a write if none is in flight.
  void Tick(int64_t now_ms);
  // Sends FCUnpublish/deleteStream after what is queued, then closes (or closes at once when
  // not publishing). Final once called.
  void Stop();
  // Closes the socket now (the grace period at exit has passed).
  void Abort();

  StreamState state() const { return state_; }
  const StreamStats& stats() const { return stats_; }
  // Media time queued: last video timestamp - first + one frame interval (0 before any frame).
  int64_t pushed_ms() const;

 private:
  void StartRead();
  void OnRead(const boost::system::error_code& error, size_t size);
  void Flush();
  void OnWritten(const boost::system::error_code& error, size_t size);
  void TakeControlOutput();
  void QueueTag(const MemoryTag& tag, int64_t timestamp_ms);
  void Fail(const std::string& what);
  void Close();

  boost::asio::ip::tcp::socket socket_;
  const MemoryFlv& flv_;
  const Clock& clock_;
  media::rtmp::RtmpPublishClient client_;
  media::rtmp::ChunkEncoder encoder_;
  media::rtmp::RtmpMessage scratch_;     // reused for every media message
  std::vector<uint8_t> set_data_frame_;  // AMF0 "@setDataFrame", prefixed to onMetaData
  std::vector<uint8_t> pending_;         // queued, not yet handed to the socket
  std::vector<uint8_t> writing_;         // handed to the socket, write in flight
  std::array<uint8_t, 4096> read_buffer_{};
  bool write_in_flight_ = false;
  StreamState state_ = StreamState::kIdle;
  int64_t connect_start_ms_ = 0;
  int64_t clock_start_ms_ = -1;  // wall time of timestamp 0 (first Tick after publishing)
  size_t cursor_ = 0;            // next tag of the current pass
  int64_t pass_ = 0;
  StreamStats stats_;
};

}  // namespace liverec::loadpub
