// Helpers shared by the liverec-loadpub tests (included by *_test.cc only): a small FLV file
// written from tag descriptions, and an RTMP server on 127.0.0.1 built on liverec's sans-I/O
// RtmpServerSession that accepts every publish and records what arrives.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "media/flv/flv_file_reader.h"
#include "media/flv/flv_test_vectors.h"
#include "media/rtmp/rtmp_server_session.h"

namespace liverec::loadpub::testing {

using Bytes = std::vector<uint8_t>;
using media::flv::FlvTagType;

struct TagSpec {
  FlvTagType type;
  int64_t timestamp_ms;
  Bytes body;
};

// Adobe FLV spec v10.1 §E.2–§E.3: header, then PreviousTagSize0, then tag + PreviousTagSize.
inline Bytes FlvBytes(const std::vector<TagSpec>& tags) {
  Bytes out = {'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0};
  auto put24 = [&](uint32_t v) {
    out.push_back(static_cast<uint8_t>(v >> 16));
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
  };
  for (const TagSpec& tag : tags) {
    out.push_back(static_cast<uint8_t>(tag.type));
    put24(static_cast<uint32_t>(tag.body.size()));
    put24(static_cast<uint32_t>(tag.timestamp_ms & 0xffffff));
    out.push_back(static_cast<uint8_t>(tag.timestamp_ms >> 24));
    put24(0);
    out.insert(out.end(), tag.body.begin(), tag.body.end());
    uint32_t previous = static_cast<uint32_t>(11 + tag.body.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<uint8_t>(previous >> shift));
  }
  return out;
}

// Bodies: an AVC keyframe / inter frame (AVCPacketType 1) and an AAC raw frame.
inline Bytes VideoFrame(bool key, size_t size = 300) {
  Bytes body(size, 0x5a);
  body[0] = key ? 0x17 : 0x27;
  body[1] = 1;
  return body;
}
inline Bytes AudioFrame(size_t size = 50) {
  Bytes body(size, 0x33);
  body[0] = 0xaf;
  body[1] = 1;
  return body;
}
inline Bytes VideoSequenceHeader() {
  return Bytes(std::begin(media::flv::testdata::kAvc720pTag),
               std::end(media::flv::testdata::kAvc720pTag));
}
inline Bytes AudioSequenceHeader() {
  return Bytes(std::begin(media::flv::testdata::kAac44100StereoTag),
               std::end(media::flv::testdata::kAac44100StereoTag));
}
// AMF0 "onMetaData" followed by an empty ECMA array (§E.5).
inline Bytes Metadata() {
  return {0x02, 0x00, 0x0a, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a',
          't',  'a',  0x08, 0,   0,   0,   0,   0,   0,   9};
}

// A file in a fresh temporary directory, removed with the object.
class TempFlv {
 public:
  explicit TempFlv(const Bytes& bytes) {
    dir_ = std::filesystem::temp_directory_path() /
           ("loadpub_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    std::ofstream(path(), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFlv() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path() const { return (dir_ / "in.flv").string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
};

// The RTMP server side of the tests: accepts connections on 127.0.0.1 (any port), answers the
// protocol through RtmpServerSession, accepts every publish, records every event per
// connection, and closes a connection when its peer does (or on a protocol error).
class FakeRtmpServer {
 public:
  struct Connection {
    explicit Connection(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::tcp::socket socket;
    media::rtmp::RtmpServerSession session;
    std::vector<media::rtmp::SessionEvent> events;
    std::array<uint8_t, 8192> buffer{};
    bool closed = false;
    std::string error;
  };

  explicit FakeRtmpServer(boost::asio::io_context& io)
      : io_(io), acceptor_(io, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    Accept();
  }

  boost::asio::ip::tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }
  const std::vector<std::unique_ptr<Connection>>& connections() const { return connections_; }
  // Closes every accepted connection now (the server going away).
  void CloseAll() {
    for (auto& c : connections_) {
      boost::system::error_code ignored;
      c->socket.close(ignored);
      c->closed = true;
    }
  }

  // Media events (audio, video, metadata) of connection `i`, in arrival order.
  std::vector<media::rtmp::MediaEvent> Media(size_t i) const {
    std::vector<media::rtmp::MediaEvent> out;
    for (const auto& event : connections_.at(i)->events) {
      if (auto* media = std::get_if<media::rtmp::MediaEvent>(&event)) out.push_back(*media);
    }
    return out;
  }

 private:
  void Accept() {
    auto connection = std::make_unique<Connection>(io_);
    Connection* c = connection.get();
    acceptor_.async_accept(c->socket, [this, conn = std::move(connection)](
                                          const boost::system::error_code& error) mutable {
      if (error) return;
      Connection* raw = conn.get();
      connections_.push_back(std::move(conn));
      Read(raw);
      Accept();
    });
  }

  void Read(Connection* c) {
    c->socket.async_read_some(
        boost::asio::buffer(c->buffer),
        [this, c](const boost::system::error_code& error, size_t size) {
          if (c->closed) return;
          if (error) return Close(c);
          auto events = c->session.Feed(std::span<const uint8_t>(c->buffer).first(size));
          while (events) {
            for (auto& event : *events) {
              if (auto* publish = std::get_if<media::rtmp::PublishEvent>(&event)) {
                c->session.AcceptPublish(publish->stream_id);
              }
              c->events.push_back(std::move(event));
            }
            if (!c->session.HasMessagesToResume()) break;
            events = c->session.Feed({});
          }
          if (!events) {
            c->error = events.error().ToString();
            return Close(c);
          }
          std::vector<uint8_t> out = c->session.TakeOutput();
          if (!out.empty()) {
            boost::system::error_code ignored;
            boost::asio::write(c->socket, boost::asio::buffer(out), ignored);
          }
          Read(c);
        });
  }

  void Close(Connection* c) {
    boost::system::error_code ignored;
    c->socket.close(ignored);
    c->closed = true;
  }

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::unique_ptr<Connection>> connections_;
};

// Runs `io` until `done()` holds or 5 s pass; returns done().
template <typename Done>
bool RunUntil(boost::asio::io_context& io, Done done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return done();
}

}  // namespace liverec::loadpub::testing
