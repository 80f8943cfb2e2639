// ConsoleHandler: serves the web console at /console/ (docs/console.md) from the files built into
// the binary (ConsoleAssets). GET and HEAD only; `/console` redirects to `/console/`, which is
// index.html; an unknown path is 404. Every answer carries a strict Content-Security-Policy
// (scripts, styles and connections to this origin only, no inline script or style, no plugins,
// no framing, no form posts), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`
// and `Cache-Control: no-cache` (the files change with the binary).
// For working on the console, the environment variable LIVEREC_CONSOLE_DIR names a console/ folder
// whose index.html, console.css and app/*.js are read from disk at each request instead
// (docs/console.md "Working on the console"); vendor/ modules always come from the binary.
// Thread-safety: immutable after construction; Serve from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_message.h"

namespace liverec::server {

// The Content-Security-Policy of the console's answers.
inline constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// The policy with `media_origins` (scheme://host[:port]) also allowed for connections, media and
// images: where the recordings the console plays are read when that is not the console's own
// origin (http.public_url under another name, S3 buckets). Origins with characters other than
// letters, digits and . : / - [ ] are left out.
std::string ConsoleContentSecurityPolicy(const std::vector<std::string>& media_origins);

// The origin (scheme://host[:port]) of an absolute http(s) URL, or "" when it is not one.
std::string OriginOf(std::string_view url);

class ConsoleHandler {
 public:
  // `dev_dir`: the folder to read the console's own files from, or empty for the built-in ones;
  // by default LIVEREC_CONSOLE_DIR's value.
  ConsoleHandler();
  explicit ConsoleHandler(std::string dev_dir, std::vector<std::string> media_origins = {});
  // The built-in files, or LIVEREC_CONSOLE_DIR's, with `media_origins` in the policy.
  explicit ConsoleHandler(std::vector<std::string> media_origins);

  // `path` is the decoded URL path, "/console" or starting with "/console/".
  net::HttpResponse Serve(const net::HttpRequest& request, std::string_view path) const;

 private:
  // The file at `file` (path under /console/) in dev_dir_, if it is one of the console's own.
  std::optional<std::string> ReadDevFile(std::string_view file) const;

  std::map<std::string_view, std::string_view> files_;  // path under /console/ -> body
  std::string dev_dir_;
  std::string policy_;  // the Content-Security-Policy header
};

}  // namespace liverec::server
