// RelaySpec: one relay attempt as the worker needs it — the source kind as a type instead of
// the API's strings, the playlist position, the destination, and the I/O timeouts — and the
// libavformat whitelists that confine each kind of source to its own protocols and formats.
//
// Security: the API layer judges URLs (schemes, addresses, media root); the spec's `admit` and
// `gate` judge them again, and every connection, when the relay connects (egress/). The
// whitelists here make sure libavformat never leaves the protocols a source was given: an HLS
// playlist cannot make it open file: or udp:, an http-flv source cannot be redirected to a
// local file, a file source cannot reach the network ("httpproxy" is the egress proxy's CONNECT
// for https and rtmps). Thread-safety: pure functions over plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay/egress/connection_gate.h"
#include "relay/relay_runner.h"
#include "relay/worker/relay_error.h"

namespace liverec::relay::worker {

enum class SourceKind {
  kRtmp,     // live, rtmp:// or rtmps://
  kHttpFlv,  // live, http(s):// FLV
  kHls,      // live, http(s):// m3u8
  kSrt,      // live, srt:// carrying MPEG-TS
  kRtsp,     // live, rtsp:// with RTP interleaved on its TCP connection
  kFiles,    // url: a playlist of MP4/FLV files over http(s) or local paths
};

struct RelayTimeouts {
  // Budget for opening the source or the destination (connect, handshake, probing).
  std::chrono::milliseconds open{10'000};
  // Longest wait for one read or write once open (a silent source, a stuck destination).
  std::chrono::milliseconds io{10'000};
};

struct RelaySpec {
  SourceKind kind = SourceKind::kRtmp;
  // A live rtmp:// source pushed to rtmp:// goes through liverec's own RTMP client
  // (rtmp_relay.h) when both URLs are of the shape it takes; false: always libavformat
  // ([relay] rtmp_client).
  bool own_rtmp = true;
  std::vector<std::string> source_urls;  // live: one; files: 1..kMaxPlaylistFiles
  std::string dst_url;
  int file_index = 0;     // files: where the first pass starts
  int64_t offset_s = 0;   // files: seconds into that first file
  int repeat_number = 0;  // files: more full passes after the first (-1 forever)
  RelayTimeouts timeouts;
  // Asked on the pipeline thread right before each source or the destination is opened (names
  // may resolve differently than when the task was stored): a refusal reason, or nullopt to go
  // on. Empty: everything is admitted.
  std::function<std::optional<std::string>(const std::string& url, bool is_source)> admit;
  // How each source and the destination are connected to, asked right after `admit`, and where
  // refused connections are noted (egress/connection_gate.h). Null: opened as given.
  std::shared_ptr<egress::ConnectionGate> gate;
};

inline constexpr size_t kMaxPlaylistFiles = 30;

// Turns the scheduler's job into a spec; a job the worker cannot run is kUnknownError.
RelayResult<RelaySpec> SpecFromJob(const RelayJob& job, const RelayTimeouts& timeouts);

// The lower-case scheme of `url` ("rtmp", "https"); "file" for a plain path or file: URL;
// nullopt for something unparseable ("://x").
std::optional<std::string> UrlScheme(const std::string& url);

// The libavformat `protocol_whitelist` for reading `url` as a source of `kind`, or nullopt
// when the URL's scheme does not belong to that kind (e.g. an rtmp source given http://).
std::optional<std::string> SourceProtocolWhitelist(SourceKind kind, const std::string& url);

// The libavformat `format_whitelist` (demuxers, including nested ones such as HLS segments).
std::string SourceFormatWhitelist(SourceKind kind);

// The `protocol_whitelist` for pushing to `url` (rtmp/rtmps only), or nullopt.
std::optional<std::string> DestinationProtocolWhitelist(const std::string& url);

}  // namespace liverec::relay::worker
