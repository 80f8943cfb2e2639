// NestedOpenGuard: the io_open of a source's AVFormatContext when its connections must go
// through the relay egress proxy (egress/connect_plan.h). libavformat opens every URL of a
// context through io_open — the source itself and, for HLS, each playlist reload, segment and
// key, for the MP4 demuxer any external reference — but passes on only some options to those
// nested opens. The guard puts `http_proxy` on every one of them and refuses (EPERM, noted at the
// gate) any URL that is not http(s) or crypto+http(s), e.g. a file: or udp: segment named by a
// remote playlist. Redirects happen inside the http protocol and keep its `http_proxy`.
// Thread-safety: one thread (the pipeline's); the guard must outlive the context.
#pragma once

#include <string>

extern "C" {
#include <libavformat/avformat.h>
}

#include "relay/egress/connection_gate.h"

namespace liverec::relay::worker {

class NestedOpenGuard {
 public:
  // `gate` (may be null) is told of refused URLs.
  NestedOpenGuard(std::string proxy_url, egress::ConnectionGate* gate)
      : proxy_url_(std::move(proxy_url)), gate_(gate) {}
  NestedOpenGuard(const NestedOpenGuard&) = delete;
  NestedOpenGuard& operator=(const NestedOpenGuard&) = delete;

  // Becomes `context`'s io_open (and takes its opaque pointer).
  void Install(AVFormatContext* context);

  using IoOpenFunction = int (*)(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**);

 private:
  static int IoOpen(AVFormatContext* context, AVIOContext** pb, const char* url, int flags,
                    AVDictionary** options);

  const std::string proxy_url_;
  egress::ConnectionGate* const gate_;
  IoOpenFunction default_io_open_ = nullptr;
};

}  // namespace liverec::relay::worker
