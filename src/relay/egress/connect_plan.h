// ConnectPlan: how the relay worker opens one source or destination URL so that every network
// connection libavformat makes for it goes to an address the relay URL policy allows, checked
// when the connection is made (docs/api/relay.md, "Security: every connection is checked"):
//
//   http, https (any source kind)  through the egress proxy (egress_proxy.h): the `http_proxy`
//                                  option on this open and on every nested open (HLS
//                                  playlists, segments, keys), which must stay http(s)
//   rtmps                          through the egress proxy (TLS over CONNECT; the name stays
//                                  the TLS server name)
//   rtmp, srt, rtsp                the host resolved once here, every address checked, and the
//                                  URL pinned to the first address; rtmp keeps the name in its
//                                  tcUrl (`rtmp_tcurl`), as FFmpeg would have sent it; rtsp
//                                  sends the address in its request lines (RTSP has no Host
//                                  header) and may not follow redirects (`refuse_redirects`)
//   file                           as given (the media root was checked just before)
//
// libavformat ignores `http_proxy` for a host that the `no_proxy` environment variable names,
// so while it is set, proxied URLs are refused.
// Thread-safety: pure functions, except that the policy's resolver may ask DNS.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "relay/relay_url_policy.h"

namespace liverec::relay::egress {

struct ConnectPlan {
  std::string url;  // what libavformat opens
  // libavformat options to set on the open (http_proxy, rtmp_tcurl, http_persistent).
  std::vector<std::pair<std::string, std::string>> options;
  // Non-empty: every URL the demuxer opens by itself must be http(s) (or crypto+http(s)) and
  // goes through this proxy URL too.
  std::string nested_proxy;
  // libavformat's RTSP demuxer follows a 3xx answer by connecting to its Location by itself,
  // unchecked: true = such a redirect must fail the open instead (relay/worker/av_source.h).
  bool refuse_redirects = false;
};

// The plan for `url` with the egress proxy at `proxy_url`; the refusal says why not.
// `no_proxy`: the value of that environment variable ("" when unset).
tl::expected<ConnectPlan, std::string> PlanConnection(const std::string& url,
                                                      const UrlPolicy& policy,
                                                      const std::string& proxy_url,
                                                      std::string_view no_proxy);

// `url` with its host replaced by the numeric `address` (an IPv6 one in brackets); the port,
// path and query unchanged.
std::string PinHost(const std::string& url, const std::string& address);

// The tcUrl libavformat 5.1's rtmp protocol derives from `url` (rtmpproto.c, rtmp_open):
// rtmp://host:port/app, the port defaulted to 1935, the application taken from the path by
// FFmpeg's rules (slist=, /ondemand/, app/instance).
std::string RtmpTcUrl(const std::string& url);

// Whether libavformat may open `url` by itself (a nested open) under a plan with a nested
// proxy: http://, https://, crypto+http(s):// and crypto:http(s)://.
bool NestedUrlAllowed(std::string_view url);

}  // namespace liverec::relay::egress
