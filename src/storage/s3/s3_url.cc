#include "storage/s3/s3_url.h"

#include <algorithm>

#include "base/percent_encoding.h"

namespace liverec::storage {

std::string S3Endpoint::Authority() const {
  return port == 0 ? host : host + ":" + std::to_string(port);
}

std::optional<S3Endpoint> ParseS3Endpoint(std::string_view url) {
  S3Endpoint endpoint;
  if (url.starts_with("http://")) {
    endpoint.scheme = "http";
  } else if (url.starts_with("https://")) {
    endpoint.scheme = "https";
  } else {
    return std::nullopt;
  }
  std::string_view rest = url.substr(endpoint.scheme.size() + 3);
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ \\") != std::string_view::npos) return std::nullopt;
  std::string_view host = rest;
  std::string_view port;
  if (rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.empty() || port.empty()) return std::nullopt;
  }
  bool bracketed = host.front() == '[';
  for (size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' ||
        (bracketed && (c == ':' || (c == '[' && i == 0) || (c == ']' && i + 1 == host.size())));
    if (!ok) return std::nullopt;
  }
  endpoint.host = std::string(host);
  if (!port.empty()) {
    if (port.size() > 5) return std::nullopt;
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return std::nullopt;
    endpoint.port = value;
  }
  return endpoint;
}

std::string EncodeKeyPath(std::string_view key) {
  std::string out;
  out.reserve(key.size() + key.size() / 4);
  size_t start = 0;
  for (;;) {
    size_t slash = key.find('/', start);
    out += PopEncode(key.substr(start, slash == std::string_view::npos ? key.npos : slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

std::string CanonicalQuery(QueryParams params) {
  for (auto& [name, value] : params) {
    name = PopEncode(name);
    value = PopEncode(value);
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

S3UrlBuilder::S3UrlBuilder(S3Endpoint endpoint, std::string bucket, bool path_style)
    : endpoint_(std::move(endpoint)), bucket_(std::move(bucket)), path_style_(path_style) {}

std::string S3UrlBuilder::Host() const {
  return path_style_ ? endpoint_.Authority() : bucket_ + "." + endpoint_.Authority();
}

std::string S3UrlBuilder::ObjectPath(std::string_view key) const {
  return (path_style_ ? "/" + bucket_ + "/" : std::string("/")) + EncodeKeyPath(key);
}

std::string S3UrlBuilder::Base() const {
  return endpoint_.scheme + "://" + Host() + (path_style_ ? "/" + bucket_ : "");
}

std::string S3UrlBuilder::ObjectUrl(std::string_view key, const QueryParams& query) const {
  std::string url = endpoint_.scheme + "://" + Host() + ObjectPath(key);
  if (!query.empty()) url += "?" + CanonicalQuery(query);
  return url;
}

std::string S3UrlBuilder::BucketUrl(const QueryParams& query) const {
  std::string url = Base() + "/";
  if (!query.empty()) url += "?" + CanonicalQuery(query);
  return url;
}

std::string S3UrlBuilder::PublicBaseUrl() const { return Base(); }

std::string S3UrlBuilder::Describe() const {
  return "bucket " + bucket_ + " at " + endpoint_.scheme + "://" + endpoint_.Authority();
}

}  // namespace liverec::storage
