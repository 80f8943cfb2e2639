#include "load_stream.h"

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include "media/rtmp/amf0.h"

namespace liverec::loadpub {

namespace asio = boost::asio;
using media::rtmp::MessageType;

LoadStream::LoadStream(asio::io_context& io, const MemoryFlv& flv, RandomSource& random,
                       const Clock& clock, media::rtmp::PublishClientOptions options)
    : socket_(io),
      flv_(flv),
      clock_(clock),
      client_(random, options),
      encoder_(options.chunk_size) {
  media::rtmp::EncodeAmf0(media::rtmp::Amf0Value::String("@setDataFrame"), set_data_frame_);
}

void LoadStream::Connect(const asio::ip::tcp::endpoint& endpoint) {
  state_ = StreamState::kConnecting;
  connect_start_ms_ = clock_.NowMs();
  socket_.async_connect(endpoint, [this](const boost::system::error_code& error) {
    if (state_ != StreamState::kConnecting) return;
    if (error) return Fail("connect: " + error.message());
    boost::system::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    state_ = StreamState::kNegotiating;
    client_.Start();
    TakeControlOutput();
    Flush();
    StartRead();
  });
}

void LoadStream::StartRead() {
  socket_.async_read_some(asio::buffer(read_buffer_), [this](const boost::system::error_code& error,
                                                             size_t size) { OnRead(error, size); });
}

void LoadStream::OnRead(const boost::system::error_code& error, size_t size) {
  if (state_ == StreamState::kClosed) return;
  if (error) {
    if (state_ == StreamState::kStopping && error == asio::error::eof) {
      stats_.clean_end = stats_.error.empty();
      return Close();
    }
    return Fail(error == asio::error::eof ? "closed by the server" : "read: " + error.message());
  }
  Status status = client_.Feed(std::span<const uint8_t>(read_buffer_).first(size));
  if (!status.ok()) {
    std::string code = client_.status_code();
    return Fail("rtmp: " + status.ToString() + (code.empty() ? "" : " (" + code + ")"));
  }
  if (state_ == StreamState::kNegotiating && client_.publishing()) {
    state_ = StreamState::kPublishing;
    stats_.published = true;
    stats_.connect_ms = clock_.NowMs() - connect_start_ms_;
  }
  TakeControlOutput();
  Flush();
  StartRead();
}

void LoadStream::TakeControlOutput() {
  if (client_.output_size() == 0) return;
  std::vector<uint8_t> control = client_.TakeOutput();
  pending_.insert(pending_.end(), control.begin(), control.end());
}

void LoadStream::Tick(int64_t now_ms) {
  if (state_ != StreamState::kPublishing) return;
  if (clock_start_ms_ < 0) clock_start_ms_ = now_ms;
  const auto& tags = flv_.tags();
  while (true) {
    const MemoryTag& tag = tags[cursor_];
    int64_t timestamp = pass_ * flv_.loop_duration_ms() + tag.timestamp_ms;
    if (clock_start_ms_ + timestamp > now_ms) break;
    bool first_pass_only = tag.type == FlvTagType::kScriptData || tag.sequence_header;
    if (pass_ == 0 || !first_pass_only) QueueTag(tag, timestamp);
    if (++cursor_ == tags.size()) {
      cursor_ = 0;
      pass_++;
    }
  }
  if (write_in_flight_ && !pending_.empty()) stats_.late_ticks++;
  stats_.max_backlog_bytes = std::max<uint64_t>(stats_.max_backlog_bytes, pending_.size());
  Flush();
}

// RTMP chunking (RTMP specification 1.0 §5.3) of one tag as an audio, video or data message
// (§7.1); an onMetaData script tag goes out as @setDataFrame (§7.1.2).
void LoadStream::QueueTag(const MemoryTag& tag, int64_t timestamp_ms) {
  std::span<const uint8_t> body = flv_.Body(tag);
  scratch_.stream_id = client_.stream_id();
  scratch_.timestamp = timestamp_ms;
  switch (tag.type) {
    case FlvTagType::kScriptData:
      scratch_.type = MessageType::kDataAmf0;
      scratch_.chunk_stream_id = media::rtmp::kDataChunkStream;
      scratch_.payload.assign(set_data_frame_.begin(), set_data_frame_.end());
      scratch_.payload.insert(scratch_.payload.end(), body.begin(), body.end());
      break;
    case FlvTagType::kAudio:
      scratch_.type = MessageType::kAudio;
      scratch_.chunk_stream_id = media::rtmp::kAudioChunkStream;
      scratch_.payload.assign(body.begin(), body.end());
      stats_.audio_frames++;
      stats_.media_bytes += body.size();
      break;
    case FlvTagType::kVideo:
      scratch_.type = MessageType::kVideo;
      scratch_.chunk_stream_id = media::rtmp::kVideoChunkStream;
      scratch_.payload.assign(body.begin(), body.end());
      stats_.video_frames++;
      stats_.keyframes += tag.keyframe ? 1 : 0;
      stats_.media_bytes += body.size();
      if (!tag.sequence_header) {
        if (stats_.first_video_ms < 0) stats_.first_video_ms = timestamp_ms;
        stats_.last_video_ms = timestamp_ms;
      }
      break;
  }
  encoder_.Encode(scratch_, pending_);
}

void LoadStream::Flush() {
  if (write_in_flight_ || pending_.empty() || state_ == StreamState::kClosed) return;
  std::swap(pending_, writing_);
  write_in_flight_ = true;
  asio::async_write(
      socket_, asio::buffer(writing_),
      [this](const boost::system::error_code& error, size_t size) { OnWritten(error, size); });
}

void LoadStream::OnWritten(const boost::system::error_code& error, size_t size) {
  write_in_flight_ = false;
  stats_.bytes_sent += size;
  writing_.clear();  // keeps its capacity for the next swap
  if (state_ == StreamState::kClosed) return;
  if (error) return Fail("write: " + error.message());
  if (!pending_.empty()) return Flush();
  if (state_ == StreamState::kStopping) {
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);  // the read sees EOF
  }
}

void LoadStream::Stop() {
  if (state_ == StreamState::kClosed || state_ == StreamState::kStopping) return;
  if (state_ != StreamState::kPublishing) {
    if (stats_.error.empty()) stats_.error = "stopped before publishing";
    return Close();
  }
  state_ = StreamState::kStopping;
  client_.Unpublish();
  TakeControlOutput();
  Flush();
}

void LoadStream::Abort() {
  if (state_ == StreamState::kClosed) return;
  if (stats_.error.empty()) stats_.error = "did not close in time at exit";
  Close();
}

int64_t LoadStream::pushed_ms() const {
  if (stats_.first_video_ms < 0) return 0;
  int64_t frame = flv_.loop_duration_ms() - flv_.tags().back().timestamp_ms;
  return stats_.last_video_ms - stats_.first_video_ms + std::max<int64_t>(frame, 0);
}

void LoadStream::Fail(const std::string& what) {
  if (stats_.error.empty()) stats_.error = what;
  Close();
}

void LoadStream::Close() {
  if (state_ == StreamState::kClosed) return;
  state_ = StreamState::kClosed;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace liverec::loadpub
