// Ingest URL signing, type A (docs/recording.md, Publishing):
//   auth_key = "{timestamp}-{rand}-{uid}-{md5hex}",
//   md5hex   = md5("{URI}-{timestamp}-{rand}-{uid}-{PrivateKey}"), URI = "/{app}/{stream}".
// Valid iff the hash matches the primary or the secondary key and now <= timestamp + validity.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "config/config.h"

namespace liverec::ingest {

// OK, or ProtocolError with the reason: missing, malformed, expired or wrong token.
Status VerifyAuthKey(const config::IngestAuthConfig& auth, std::string_view uri,
                     std::string_view auth_key, int64_t now_s);

// The token for `uri` at `timestamp_s` (tests and the publisher tool use it).
std::string MakeAuthKey(std::string_view uri, int64_t timestamp_s, std::string_view rand,
                        std::string_view uid, std::string_view private_key);

}  // namespace liverec::ingest
