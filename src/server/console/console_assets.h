// The files of the web console (docs/console.md), built into the binary from console/ by
// cmake/embed_console.cmake, so that liverec serves its console with nothing installed beside
// it. Thread-safety: immutable data.
#pragma once

#include <span>
#include <string_view>

namespace liverec::server {

struct ConsoleAsset {
  std::string_view path;  // under /console/, e.g. "index.html", "app/main.js"
  std::string_view body;
};

// Every file, in no particular order.
std::span<const ConsoleAsset> ConsoleAssets();

}  // namespace liverec::server
