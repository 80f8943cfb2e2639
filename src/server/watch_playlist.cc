#include "server/watch_playlist.h"

#include <algorithm>
#include <vector>

#include "api/watch_path.h"
#include "recorder/playlist.h"

namespace liverec::server {

WatchAnswer WatchPlaylist::Build(std::string_view path, std::string_view query) const {
  WatchAnswer answer;
  std::optional<api::WatchTarget> target = api::ParseWatchPath(path);
  if (!target) return answer;
  BucketAdmission admission = access_.AdmitPath(target->endpoint, target->bucket, path, query);
  if (!admission.allowed) {
    answer.status = 403;
    answer.check = admission.check;
    return answer;
  }
  auto account = tenants_.FindAccountByName(admission.account);
  if (!account) {
    answer.status = 500;
    return answer;
  }
  if (!*account) return answer;
  const std::string& account_id = (**account).id;
  auto stream = recordings_.FindStream(account_id, target->domain, target->app, target->stream);
  if (!stream) {
    answer.status = 500;
    return answer;
  }
  if (!*stream) return answer;
  const int64_t now_ms = clock_.NowMs();
  const int64_t from_ms = target->start_s * 1000;
  const int64_t to_ms = from_ms + api::kWatchWindowMs;
  auto slices = recordings_.ListStreamSlices(account_id, (**stream).id, from_ms, to_ms);
  if (!slices) {
    answer.status = 500;
    return answer;
  }
  // Segments are good as long as the playlist's token (a public-read bucket's: the bucket's own
  // expiry, unused as its URLs are plain).
  const int64_t lifetime_s =
      admission.by_token ? std::max<int64_t>(1, admission.expires_s - now_ms / 1000) : 0;
  std::vector<recorder::PlaylistSegment> segments;
  segments.reserve(slices->size());
  for (const metadata::SliceRow& slice : *slices) {
    if (slice.endpoint != target->endpoint || slice.bucket != target->bucket) continue;
    auto url = access_.SignedUrl(slice.endpoint, slice.bucket, slice.object_key, false, lifetime_s);
    if (!url) {
      answer.status = 500;
      return answer;
    }
    segments.push_back(
        {std::move(*url), slice.duration_ms, slice.discontinuity && !segments.empty()});
  }
  answer.status = 200;
  answer.text = recorder::BuildPlaylist(segments, 0, now_ms >= to_ms);
  return answer;
}

}  // namespace liverec::server
