// The subcommands of the liverec binary. Each returns the process exit code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace liverec::apps {

struct ServeOptions {
  std::string program;  // argv[0], for the ready-to-paste `call` line
  std::optional<std::string> config_file;
  std::map<std::string, std::string> flags;  // data_dir, http_listen, rtmp_listen, log_level
};
int RunServe(const ServeOptions& options);

struct CallOptions {
  std::optional<std::string> config_file;
  std::string data_dir;  // empty: from config/env/default
  std::string endpoint;  // empty: http://<http.listen>
  std::string access_key_id;
  std::string access_key_secret;
  std::string method = "GET";
  std::string action;
  std::vector<std::string> params;  // Key=Value
};
int RunCall(const CallOptions& options);

// The process environment as a map (LIVEREC_* are read from it).
std::map<std::string, std::string> Environment();

}  // namespace liverec::apps
