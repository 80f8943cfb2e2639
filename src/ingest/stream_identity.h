// Who is publishing: the (domain, app, stream) of an RTMP publish, with its query arguments.
// domain = the `vhost` argument (of the stream or the app/tcUrl query), else the tcUrl host;
// then mapped through the domain aliases (ingest domain -> streaming domain).
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace liverec::ingest {

struct StreamIdentity {
  std::string domain;  // streaming domain, lower-case
  std::string app;
  std::string stream;
  std::map<std::string, std::string> args;  // the publish query (decoded), e.g. auth_key
  std::string ingest_domain;  // the domain the publisher named (vhost or host), before aliases
  std::string query;          // the publish query as sent (not decoded)
  std::string uri() const { return "/" + app + "/" + stream; }
  std::string Key() const { return domain + "/" + app + "/" + stream; }
};

// The host of "rtmp://host[:port]/app..." (lower-case), or "" when there is none.
std::string TcUrlHost(std::string_view tc_url);

// Builds the identity. `aliases` maps ingest domain -> streaming domain.
StreamIdentity ResolveIdentity(std::string_view tc_url, std::string_view app,
                               std::string_view app_query, std::string_view stream_name,
                               std::string_view stream_query,
                               const std::map<std::string, std::string>& aliases);

}  // namespace liverec::ingest
