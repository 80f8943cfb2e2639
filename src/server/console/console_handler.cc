#include "server/console/console_handler.h"

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

net::HttpResponse WithSecurityHeaders(net::HttpResponse response) {
  response.headers.emplace_back("Content-Security-Policy",
                                std::string(kConsoleContentSecurityPolicy));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace

ConsoleHandler::ConsoleHandler() {
  for (const ConsoleAsset& asset : ConsoleAssets()) files_[asset.path] = asset.body;
}

net::HttpResponse ConsoleHandler::Serve(const net::HttpRequest& request,
                                        std::string_view path) const {
  constexpr std::string_view kText = "text/plain; charset=utf-8";
  if (request.method != "GET" && request.method != "HEAD") {
    return WithSecurityHeaders(net::HttpResponse{
        405, std::string(kText), "method not allowed\n", "", {{"Allow", "GET, HEAD"}}});
  }
  if (path == "/console") {
    return WithSecurityHeaders(
        net::HttpResponse{301, std::string(kText), "", "", {{"Location", "/console/"}}});
  }
  std::string_view file = path.substr(std::string_view("/console/").size());
  if (file.empty()) file = "index.html";
  auto found = files_.find(file);
  if (found == files_.end()) {
    return WithSecurityHeaders(net::HttpResponse{404, std::string(kText), "not found\n", "", {}});
  }
  return WithSecurityHeaders(
      net::HttpResponse{200, ContentTypeOf(file), std::string(found->second), "", {}});
}

}  // namespace liverec::server
