#include "ingest/stream_identity.h"

#include <algorithm>

#include "base/percent_encoding.h"

namespace liverec::ingest {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string TcUrlHost(std::string_view tc_url) {
  auto scheme = tc_url.find("://");
  if (scheme == std::string_view::npos) return {};
  auto rest = tc_url.substr(scheme + 3);
  auto end = rest.find_first_of("/?");
  auto host = rest.substr(0, end);
  if (!host.empty() && host.front() == '[') {  // [v6]:port
    auto close = host.find(']');
    return Lower(
        std::string(host.substr(1, close == std::string_view::npos ? host.npos : close - 1)));
  }
  return Lower(std::string(host.substr(0, host.find(':'))));
}

StreamIdentity ResolveIdentity(std::string_view tc_url, std::string_view app,
                               std::string_view app_query, std::string_view stream_name,
                               std::string_view stream_query,
                               const std::map<std::string, std::string>& aliases) {
  StreamIdentity id;
  id.app = std::string(app);
  id.stream = std::string(stream_name);
  std::string vhost;
  auto tc_query = tc_url.find('?') == std::string_view::npos ? std::string_view()
                                                             : tc_url.substr(tc_url.find('?') + 1);
  for (auto query : {tc_query, app_query, stream_query}) {
    for (auto& [name, value] : ParseFormPairs(query)) {
      if (name == "vhost") vhost = value;
      if (query == stream_query) id.args[name] = value;
    }
  }
  id.domain = Lower(vhost.empty() ? TcUrlHost(tc_url) : vhost);
  id.ingest_domain = id.domain;
  id.query = std::string(stream_query);
  if (auto alias = aliases.find(id.domain); alias != aliases.end()) id.domain = alias->second;
  return id;
}

}  // namespace liverec::ingest
