#include <unistd.h>

#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "base/build_info.h"
#include "base/json_log_formatter.h"
#include "commands.h"
#include "config/config.h"
#include "server/server.h"

extern char** environ;

namespace liverec::apps {

std::map<std::string, std::string> Environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

namespace {

// Logs go to stderr: text (coloured on a terminal), or one JSON object per line ([log] format).
void SetUpLogging(const config::Config& config) {
  std::shared_ptr<spdlog::logger> logger;
  if (config.log_format == "json") {
    logger = spdlog::stderr_logger_mt("liverec");
    logger->set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    logger = spdlog::stderr_color_mt("liverec");
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
}

}  // namespace

int RunServe(const ServeOptions& options) {
  auto config = config::LoadConfig({options.config_file, Environment(), options.flags});
  if (!config) {
    std::cerr << "liverec: " << config.error().ToString() << "\n";
    return 2;
  }
  SetUpLogging(*config);
  spdlog::info("liverec {} ({}) starting", BuildVersion(),
               BuildCommit().empty() ? "commit unknown" : BuildCommit());
  server::Server server(*config);
  auto started = server.Start();
  if (!started) {
    std::cerr << "liverec: cannot start: " << started.error().ToString() << "\n";
    return 1;
  }
  const auto& c = started->credentials;
  std::string url = "http://" + started->http_address + "/";
  std::cout << "liverec " << LIVEREC_VERSION << " is running\n"
            << "HTTP API listening on " << url << "\n"
            << "Data dir: " << config->data_dir << " (SQLite " << config->database_path << ")\n";
  for (const auto& b : config->buckets) {
    std::cout << "Bucket: OssEndpoint=" << b.endpoint << " OssBucket=" << b.name << " -> "
              << b.path << ", served at " << url << b.name << "/<key>\n";
  }
  std::cout << "RTMP ingest listening on rtmp://" << started->rtmp_address
            << "/<app>/<stream>?vhost=<domain>\n"
            << "AccessKeyId: " << c.access_key_id << "\n";
  if (c.created) {
    std::cout << "AccessKeySecret: " << c.access_key_secret << "\n";
  } else {
    std::cout << "AccessKeySecret: (see " << server::CredentialsPath(config->data_dir) << ")\n";
  }
  std::cout << "Try: " << options.program << " call --data-dir " << config->data_dir
            << " --endpoint " << url << " DescribeLiveRecordConfig DomainName=example.com"
            << std::endl;
  server.Wait();
  spdlog::info("stopped");
  return 0;
}

int RunCheckConfig(const ServeOptions& options) {
  auto config = config::LoadConfig({options.config_file, Environment(), options.flags});
  if (!config) {
    std::cerr << "liverec: " << config.error().ToString() << "\n";
    return 2;
  }
  std::cout << "config OK: " << options.config_file.value_or("(no file)") << " (data dir "
            << config->data_dir << ", HTTP " << config->http_listen << ", RTMP "
            << config->rtmp_listen << ")\n";
  return 0;
}

}  // namespace liverec::apps
