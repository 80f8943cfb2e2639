// Validity of the names the API and the config share: domains, apps/streams, buckets, endpoints.
// Pure functions; thread-safe. docs/api/record-configs.md states the same rules.
#pragma once

#include <string_view>

namespace liverec {

// Host name: 1-253 bytes of letters, digits, '-', '.', labels 1-63, no empty label.
bool IsValidDomainName(std::string_view name);
// App or stream name: 1-255 bytes of letters, digits, '-', '_', '.', not starting with '.'.
// (The wildcard "*" is the caller's business.)
bool IsValidAppName(std::string_view name);
// OSS bucket rules: 3-63 bytes of a-z, 0-9, '-', not starting or ending with '-'.
bool IsValidBucketName(std::string_view name);
// "local", or host[:port] with a host name or IPv4 address.
bool IsValidEndpoint(std::string_view endpoint);

}  // namespace liverec
