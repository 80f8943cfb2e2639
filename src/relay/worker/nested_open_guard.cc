#include "relay/worker/nested_open_guard.h"

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/error.h>
}

#include "relay/worker/av_source.h"

namespace liverec::relay::worker {
namespace {

// libav's own io_open, apart: FFmpeg 5.1's httpproxy client (https through the egress proxy)
// leaks a few bytes of every CONNECT answer it parses, which tests/sanitizers/lsan.supp names
// by this function, so it must do nothing but call into libav.
[[gnu::noinline]] int CallLibavIoOpen(NestedOpenGuard::IoOpenFunction open,
                                      AVFormatContext* context, AVIOContext** pb, const char* url,
                                      int flags, AVDictionary** options) {
  return open(context, pb, url, flags, options);
}

}  // namespace

void NestedOpenGuard::Install(AVFormatContext* context) {
  default_io_open_ = context->io_open;
  context->opaque = this;
  context->io_open = &NestedOpenGuard::IoOpen;
}

int NestedOpenGuard::IoOpen(AVFormatContext* context, AVIOContext** pb, const char* url, int flags,
                            AVDictionary** options) {
  auto* self = static_cast<NestedOpenGuard*>(context->opaque);
  if (!egress::NestedUrlAllowed(url)) {
    if (self->gate_ != nullptr) {
      self->gate_->NoteRefusal("open " + UrlForLogs(url),
                               "a relay source may lead only to http(s) URLs");
    }
    return AVERROR(EPERM);
  }
  AVDictionary* local = nullptr;
  AVDictionary** dict = options != nullptr ? options : &local;
  av_dict_set(dict, "http_proxy", self->proxy_url_.c_str(), 0);
  const int opened = CallLibavIoOpen(self->default_io_open_, context, pb, url, flags, dict);
  av_dict_free(&local);
  return opened;
}

}  // namespace liverec::relay::worker
