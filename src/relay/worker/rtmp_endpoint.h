// RtmpEndpoint: where liverec's own RTMP client (rtmp_relay.h) connects for a relay's source or
// destination, taken from the URL as the egress plan gave it (egress/connect_plan.h: the host
// pinned to a checked address, the name kept in the tcUrl option). Only the plain shape
// `rtmp://host[:port]/app/stream[?query]` is taken; every other URL (rtmps, user info, an
// application with an instance or a query, more path segments, a stream name FFmpeg would
// rewrite such as `x.flv` or `x.mp4`) stays with libavformat, whose rules decide what it means.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "relay/egress/connect_plan.h"

namespace liverec::relay::worker {

struct RtmpEndpoint {
  std::string host;  // a name, or a numeric address (IPv6 without brackets)
  uint16_t port = 1935;
  std::string tc_url;  // as FFmpeg would send it (the plan's rtmp_tcurl when it has one)
  std::string app;
  std::string stream;  // the name with its query
};

// nullopt when `plan` is not one liverec's client takes (see above).
std::optional<RtmpEndpoint> RtmpEndpointOf(const egress::ConnectPlan& plan);

}  // namespace liverec::relay::worker
