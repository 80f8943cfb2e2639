#include "relay/egress/proxy_request.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <vector>

#include "callbacks/url_safety.h"

namespace liverec::relay::egress {
namespace {

tl::unexpected<ProxyRefusal> Refuse(int status, std::string reason) {
  return tl::unexpected<ProxyRefusal>({status, std::move(reason)});
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

struct Header {
  std::string name;  // lower-case
  std::string_view line;
  std::string_view value;
};

// The head's lines without their CRLF; nullopt when a CR or LF stands alone.
std::optional<std::vector<std::string_view>> Lines(std::string_view head) {
  std::vector<std::string_view> lines;
  head.remove_suffix(4);  // the blank line
  while (true) {
    size_t end = head.find("\r\n");
    std::string_view line = head.substr(0, end);
    if (line.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    head.remove_prefix(end + 2);
  }
  return lines;
}

tl::expected<std::vector<Header>, ProxyRefusal> Headers(
    const std::vector<std::string_view>& lines) {
  std::vector<Header> headers;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return Refuse(400, "malformed header line");  // includes obs-fold (leading whitespace)
    }
    headers.push_back({Lower(line.substr(0, colon)), line, Trim(line.substr(colon + 1))});
  }
  return headers;
}

// host:port, validated as an http URL's authority would be.
tl::expected<callbacks::HttpUrl, ProxyRefusal> Authority(std::string_view authority,
                                                         bool port_required) {
  if (authority.empty() || authority.find_first_of("/?#@") != std::string_view::npos) {
    return Refuse(400, "bad host");
  }
  auto parsed = callbacks::ParseHttpUrl("http://" + std::string(authority) + "/");
  if (!parsed) return Refuse(400, "bad host: " + parsed.error().detail());
  if (port_required && !parsed->explicit_port) return Refuse(400, "CONNECT needs a port");
  return *parsed;
}

// The headers a forwarded request leaves behind: the hop-by-hop ones (RFC 9110 §7.6.1), those
// its Connection header names, and Host (set anew).
std::set<std::string> NotForwarded(const std::vector<Header>& headers) {
  std::set<std::string> drop = {"host",
                                "connection",
                                "keep-alive",
                                "proxy-authorization",
                                "proxy-authenticate",
                                "proxy-connection",
                                "te",
                                "trailer",
                                "upgrade"};
  for (const auto& header : headers) {
    if (header.name != "connection") continue;
    std::string_view names = header.value;
    while (!names.empty()) {
      size_t comma = names.find(',');
      drop.insert(Lower(Trim(names.substr(0, comma))));
      names = comma == std::string_view::npos ? "" : names.substr(comma + 1);
    }
  }
  return drop;
}

// GET http://authority/target: the origin-form head.
tl::expected<ProxyRequest, ProxyRefusal> Forward(std::string_view target,
                                                 const std::vector<Header>& headers) {
  if (Lower(target.substr(0, 7)) != "http://") {
    return Refuse(400, "only http:// URLs are forwarded (https goes through CONNECT)");
  }
  std::string_view rest = target.substr(7);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  auto parsed = Authority(authority, false);
  if (!parsed) return tl::make_unexpected(parsed.error());
  std::string_view path = rest.substr(authority.size());
  path = path.substr(0, path.find('#'));
  std::string origin = path.empty()          ? "/"
                       : path.front() == '?' ? "/" + std::string(path)
                                             : std::string(path);
  const std::set<std::string> drop = NotForwarded(headers);
  ProxyRequest request;
  request.kind = ProxyRequest::Kind::kForward;
  request.host = parsed->host;
  request.port = parsed->port;
  // libavformat's own Host header (the URL's host, and its port only when the URL names one),
  // as it would have sent it without a proxy; the authority when there is none.
  std::string_view host_header = authority;
  for (const auto& header : headers) {
    if (header.name == "host") host_header = header.value;
  }
  request.forward_head =
      "GET " + origin + " HTTP/1.1\r\nHost: " + std::string(host_header) + "\r\n";
  for (const auto& header : headers) {
    if (!drop.contains(header.name)) request.forward_head += std::string(header.line) + "\r\n";
  }
  request.forward_head += "Connection: close\r\n\r\n";
  request.for_logs = "GET http://" + std::string(authority) + origin.substr(0, origin.find('?'));
  return request;
}

struct RequestLine {
  std::string_view method;
  std::string_view target;
};

// METHOD SP target SP HTTP/1.x
tl::expected<RequestLine, ProxyRefusal> ParseRequestLine(std::string_view line) {
  size_t first = line.find(' ');
  size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return Refuse(400, "malformed request line");
  }
  std::string_view version = line.substr(second + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return Refuse(400, "unsupported version");
  return RequestLine{line.substr(0, first), line.substr(first + 1, second - first - 1)};
}

// The Proxy-Authorization value ("" when absent); a request with a body is refused.
tl::expected<std::string, ProxyRefusal> Credentials(const std::vector<Header>& headers) {
  std::string credentials;
  for (const auto& header : headers) {
    if ((header.name == "content-length" && header.value != "0") ||
        header.name == "transfer-encoding") {
      return Refuse(400, "a request with a body");
    }
    if (header.name == "proxy-authorization") {
      if (!credentials.empty()) return Refuse(400, "two Proxy-Authorization headers");
      credentials = std::string(header.value);
    }
  }
  return credentials;
}

}  // namespace

tl::expected<ProxyRequest, ProxyRefusal> ParseProxyRequest(std::string_view head) {
  if (head.size() > kMaxRequestHead || !head.ends_with("\r\n\r\n")) {
    return Refuse(400, "incomplete or oversized request head");
  }
  auto lines = Lines(head);
  if (!lines) return Refuse(400, "a bare CR or LF in the request head");
  auto line = ParseRequestLine(lines->front());
  if (!line) return tl::make_unexpected(line.error());
  const auto& [method, target] = *line;
  auto headers = Headers(*lines);
  if (!headers) return tl::make_unexpected(headers.error());
  auto credentials = Credentials(*headers);
  if (!credentials) return tl::make_unexpected(credentials.error());

  ProxyRequest request;
  if (method == "CONNECT") {
    auto authority = Authority(target, true);
    if (!authority) return tl::make_unexpected(authority.error());
    request.host = authority->host;
    request.port = authority->port;
    request.for_logs = "CONNECT " + std::string(target);
  } else if (method == "GET") {
    auto forward = Forward(target, *headers);
    if (!forward) return tl::make_unexpected(forward.error());
    request = std::move(*forward);
  } else {
    return Refuse(405, "only CONNECT and GET are proxied");
  }
  request.credentials = std::move(*credentials);
  return request;
}

std::string RefusalResponse(const ProxyRefusal& refusal) {
  std::string_view text = refusal.status == 403   ? "Forbidden"
                          : refusal.status == 405 ? "Method Not Allowed"
                          : refusal.status == 407 ? "Proxy Authentication Required"
                          : refusal.status == 502 ? "Bad Gateway"
                          : refusal.status == 503 ? "Service Unavailable"
                          : refusal.status == 504 ? "Gateway Timeout"
                                                  : "Bad Request";
  std::string body = "liverec relay egress: " + refusal.reason + "\n";
  std::string out = "HTTP/1.1 " + std::to_string(refusal.status) + " " + std::string(text) +
                    "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n";
  if (refusal.status == 407) out += "Proxy-Authenticate: Basic realm=\"liverec relay\"\r\n";
  return out + "\r\n" + body;
}

ProxyHeadReader::State ProxyHeadReader::Feed(std::string_view bytes) {
  if (state_ != State::kNeedMore) {
    if (state_ == State::kComplete) rest_.append(bytes);
    return state_;
  }
  const size_t searched = head_.size() < 3 ? 0 : head_.size() - 3;
  head_.append(bytes);
  size_t end = head_.find("\r\n\r\n", searched);
  if (end == std::string::npos) {
    if (head_.size() > kMaxRequestHead) state_ = State::kTooLarge;
    return state_;
  }
  if (end + 4 > kMaxRequestHead) return state_ = State::kTooLarge;
  rest_ = head_.substr(end + 4);
  head_.resize(end + 4);
  return state_ = State::kComplete;
}

}  // namespace liverec::relay::egress
