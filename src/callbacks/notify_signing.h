// Callback authentication (docs/callbacks.md): with NotifyReqAuth, every callback carries
//   ALI-LIVE-TIMESTAMP: UNIX seconds at send time
//   ALI-LIVE-SIGNATURE: lower-case hex md5("<host>|<timestamp>|<NotifyAuthKey>")
// where <host> is the host of the callback URL without port ([U] the spec leaves the port open;
// liverec never includes it — docs/callbacks.md). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace liverec::callbacks {

inline constexpr std::string_view kTimestampHeader = "ALI-LIVE-TIMESTAMP";
inline constexpr std::string_view kSignatureHeader = "ALI-LIVE-SIGNATURE";

std::string NotifySignature(std::string_view host, int64_t unix_seconds, std::string_view key);

// The two headers for a request to `host` sent at `now_ms`.
std::map<std::string, std::string> NotifyAuthHeaders(std::string_view host, int64_t now_ms,
                                                     std::string_view key);

}  // namespace liverec::callbacks
