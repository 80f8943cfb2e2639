#include "server/console/console_handler.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "server/console/console_assets.h"

namespace liverec::server {
namespace {

std::string ContentTypeOf(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

net::HttpResponse WithSecurityHeaders(const std::string& policy, net::HttpResponse response) {
  response.headers.emplace_back("Content-Security-Policy", policy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

// Whether `file` names one of the console's own files: index.html, console.css or app/<name>.js
// with a name of letters, digits, '-' and '_' (nothing else is read from a development folder).
bool IsOwnFile(std::string_view file) {
  if (file == "index.html" || file == "console.css") return true;
  if (!file.starts_with("app/") || !file.ends_with(".js")) return false;
  std::string_view name = file.substr(4, file.size() - 7);
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string DevDirFromEnvironment() {
  const char* dir = std::getenv("LIVEREC_CONSOLE_DIR");
  return dir ? std::string(dir) : std::string();
}

bool IsOriginText(std::string_view origin) {
  for (char c : origin) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == ':' || c == '/' || c == '-' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return !origin.empty();
}

}  // namespace

std::string OriginOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view name = url.substr(0, scheme);
  if (name != "http" && name != "https") return "";
  size_t end = url.find_first_of("/?#", scheme + 3);
  std::string_view origin = url.substr(0, end);
  if (origin.size() == scheme + 3) return "";
  return std::string(origin);
}

std::string ConsoleContentSecurityPolicy(const std::vector<std::string>& media_origins) {
  std::string extra;
  for (const std::string& origin : media_origins) {
    if (!IsOriginText(origin) || extra.find(" " + origin + " ") != std::string::npos) continue;
    extra += " " + origin + " ";
  }
  if (extra.empty()) return std::string(kConsoleContentSecurityPolicy);
  std::string sources;  // " a b" from " a  b "
  for (size_t i = 0; i < extra.size(); ++i) {
    if (extra[i] == ' ' && (sources.empty() || sources.back() == ' ')) continue;
    sources += extra[i];
  }
  if (!sources.empty() && sources.back() == ' ') sources.pop_back();
  return "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' " + sources +
         "; img-src 'self' data: blob: " + sources + "; media-src 'self' blob: " + sources +
         "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

ConsoleHandler::ConsoleHandler() : ConsoleHandler(DevDirFromEnvironment()) {}

ConsoleHandler::ConsoleHandler(std::vector<std::string> media_origins)
    : ConsoleHandler(DevDirFromEnvironment(), std::move(media_origins)) {}

ConsoleHandler::ConsoleHandler(std::string dev_dir, std::vector<std::string> media_origins)
    : dev_dir_(std::move(dev_dir)), policy_(ConsoleContentSecurityPolicy(media_origins)) {
  for (const ConsoleAsset& asset : ConsoleAssets()) files_[asset.path] = asset.body;
}

std::optional<std::string> ConsoleHandler::ReadDevFile(std::string_view file) const {
  if (dev_dir_.empty() || !IsOwnFile(file)) return std::nullopt;
  std::ifstream in(dev_dir_ + "/" + std::string(file), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  return body.str();
}

net::HttpResponse ConsoleHandler::Serve(const net::HttpRequest& request,
                                        std::string_view path) const {
  constexpr std::string_view kText = "text/plain; charset=utf-8";
  if (request.method != "GET" && request.method != "HEAD") {
    return WithSecurityHeaders(
        policy_,
        net::HttpResponse{
            405, std::string(kText), "method not allowed\n", "", {{"Allow", "GET, HEAD"}}});
  }
  if (path == "/console") {
    return WithSecurityHeaders(
        policy_, net::HttpResponse{301, std::string(kText), "", "", {{"Location", "/console/"}}});
  }
  std::string_view file = path.substr(std::string_view("/console/").size());
  if (file.empty()) file = "index.html";
  if (std::optional<std::string> body = ReadDevFile(file)) {
    return WithSecurityHeaders(
        policy_, net::HttpResponse{200, ContentTypeOf(file), std::move(*body), "", {}});
  }
  auto found = files_.find(file);
  if (found == files_.end()) {
    return WithSecurityHeaders(policy_,
                               net::HttpResponse{404, std::string(kText), "not found\n", "", {}});
  }
  return WithSecurityHeaders(
      policy_, net::HttpResponse{200, ContentTypeOf(file), std::string(found->second), "", {}});
}

}  // namespace liverec::server
