#include "relay/worker/relay_spec.h"

#include <algorithm>
#include <cctype>

namespace liverec::relay::worker {
namespace {

constexpr const char* kHttpFamily = "http,https,tls,tcp,httpproxy";

tl::unexpected<RelayError> Refuse(std::string detail) {
  return tl::unexpected<RelayError>({RelayFailure::kUnknownError, std::move(detail)});
}

std::optional<SourceKind> LiveKind(const std::string& protocol) {
  if (protocol == "rtmp") return SourceKind::kRtmp;
  if (protocol == "http-flv" || protocol == "flv") return SourceKind::kHttpFlv;
  if (protocol == "hls") return SourceKind::kHls;
  if (protocol == "srt") return SourceKind::kSrt;
  if (protocol == "rtsp") return SourceKind::kRtsp;
  return std::nullopt;
}

bool IsHttp(const std::string& scheme) { return scheme == "http" || scheme == "https"; }

}  // namespace

RelayResult<RelaySpec> SpecFromJob(const RelayJob& job, const RelayTimeouts& timeouts) {
  RelaySpec spec;
  spec.source_urls = job.source_urls;
  spec.dst_url = job.dst_url;
  spec.timeouts = timeouts;
  if (job.source_type == "live") {
    auto kind = LiveKind(job.source_protocol);
    if (!kind) return Refuse("unknown live source protocol '" + job.source_protocol + "'");
    if (job.source_urls.size() != 1) return Refuse("a live source needs exactly one URL");
    spec.kind = *kind;
  } else if (job.source_type == "url") {
    if (job.source_urls.empty() || job.source_urls.size() > kMaxPlaylistFiles) {
      return Refuse("a url source needs 1 to 30 files");
    }
    if (job.file_index < 0 || static_cast<size_t>(job.file_index) >= job.source_urls.size()) {
      return Refuse("FileIndex " + std::to_string(job.file_index) + " is outside the playlist");
    }
    if (job.offset_s < 0) return Refuse("Offset must not be negative");
    if (job.repeat_number < -1) return Refuse("RepeatNumber must be -1 or more");
    spec.kind = SourceKind::kFiles;
    spec.file_index = job.file_index;
    spec.offset_s = job.offset_s;
    spec.repeat_number = job.repeat_number;
  } else {
    return Refuse("unsupported source type '" + job.source_type + "'");
  }
  for (const auto& url : spec.source_urls) {
    if (!SourceProtocolWhitelist(spec.kind, url)) return Refuse("source URL scheme not allowed");
  }
  if (!DestinationProtocolWhitelist(spec.dst_url)) return Refuse("DstUrl must be rtmp://");
  return spec;
}

std::optional<std::string> UrlScheme(const std::string& url) {
  const size_t colon = url.find(':');
  const bool has_scheme =
      colon != std::string::npos && colon > 0 &&
      std::all_of(url.begin(), url.begin() + static_cast<long>(colon), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      });
  if (!has_scheme) {
    if (url.empty() || url.find("://") != std::string::npos) return std::nullopt;
    return "file";  // a plain path
  }
  std::string scheme = url.substr(0, colon);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme;
}

std::optional<std::string> SourceProtocolWhitelist(SourceKind kind, const std::string& url) {
  const auto scheme = UrlScheme(url);
  if (!scheme) return std::nullopt;
  switch (kind) {
    case SourceKind::kRtmp:
      if (*scheme == "rtmp") return "rtmp,tcp";
      if (*scheme == "rtmps") return "rtmps,tls,tcp,httpproxy";
      return std::nullopt;
    case SourceKind::kHttpFlv:
      if (IsHttp(*scheme)) return kHttpFamily;  // both: servers redirect between them
      return std::nullopt;
    case SourceKind::kHls:
      // crypto: AES-128 segments are read as crypto+http(s)://, still over the same family.
      if (IsHttp(*scheme)) return std::string(kHttpFamily) + ",crypto";
      return std::nullopt;
    case SourceKind::kSrt:
      if (*scheme == "srt") return "srt";  // libsrt owns its UDP socket
      return std::nullopt;
    case SourceKind::kRtsp:
      // The RTSP demuxer's one TCP connection, which carries RTP interleaved (rtsp_transport
      // tcp): no udp or rtp, so it can open no port the address policy did not check.
      if (*scheme == "rtsp") return "tcp";
      return std::nullopt;
    case SourceKind::kFiles:
      if (IsHttp(*scheme)) return kHttpFamily;
      if (*scheme == "file") return "file";
      return std::nullopt;
  }
  return std::nullopt;
}

std::string SourceFormatWhitelist(SourceKind kind) {
  switch (kind) {
    case SourceKind::kRtmp:
    case SourceKind::kHttpFlv:
      return "flv,live_flv";
    case SourceKind::kHls:
      return "hls,mpegts,mov,aac,mp3";  // playlists, TS / fMP4 / packed-audio segments
    case SourceKind::kSrt:
      return "mpegts";
    case SourceKind::kRtsp:
      return "rtsp";
    case SourceKind::kFiles:
      return "mov,flv";  // "mov" is the MP4 demuxer
  }
  return "";
}

std::optional<std::string> DestinationProtocolWhitelist(const std::string& url) {
  const auto scheme = UrlScheme(url);
  if (scheme == "rtmp") return "rtmp,tcp";
  if (scheme == "rtmps") return "rtmps,tls,tcp,httpproxy";
  return std::nullopt;
}

}  // namespace liverec::relay::worker
