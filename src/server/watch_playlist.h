// WatchPlaylist: the watch playlists liverec serves at /_watch/... (api/watch_path.h;
// docs/api/watch.md): for a valid token of the bucket (or any request of a public-read bucket), an
// EVENT playlist of the stream's slices stored in that bucket from the path's start time, as the
// slice index has them now, each segment a URL of the bucket good until the token's expiry
// (signed or presigned as RecordUrls are). It ends (#EXT-X-ENDLIST) once kWatchWindowMs have
// passed since the start. The stream is looked up in the bucket's own account: a token of one
// account never reads another's streams.
// Thread-safety: Build from any thread (the repositories and BucketAccess are).
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"
#include "metadata/recording_repository.h"
#include "metadata/tenant_repository.h"
#include "server/bucket_access.h"
#include "storage/url_token.h"

namespace liverec::server {

struct WatchAnswer {
  int status = 404;  // 200, 403 (token), 404 (no such path, stream or account), 500 (database)
  std::string text;  // with 200: the playlist
  storage::UrlTokenCheck check = storage::UrlTokenCheck::kMissing;  // with 403: why
};

class WatchPlaylist {
 public:
  WatchPlaylist(const BucketAccess& access, metadata::TenantRepository& tenants,
                metadata::RecordingRepository& recordings, const Clock& clock)
      : access_(access), tenants_(tenants), recordings_(recordings), clock_(clock) {}

  // The answer for the decoded `path` (starting with api::kWatchPathPrefix) and URL `query`.
  WatchAnswer Build(std::string_view path, std::string_view query) const;

 private:
  const BucketAccess& access_;
  metadata::TenantRepository& tenants_;
  metadata::RecordingRepository& recordings_;
  const Clock& clock_;
};

}  // namespace liverec::server
