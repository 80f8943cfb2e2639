#include <unistd.h>

#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "base/build_info.h"
#include "base/clock.h"
#include "base/json_log_formatter.h"
#include "base/text_log_formatter.h"
#include "commands.h"
#include "config/config.h"
#include "media/libav_log.h"
#include "metadata/open_database.h"
#include "server/server.h"
#include "server/start_banner.h"

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

// Logs go to stderr: text (coloured on a terminal, control characters of messages escaped), or
// one JSON object per line ([log] format).
void SetUpLogging(const config::Config& config) {
  std::shared_ptr<spdlog::logger> logger;
  if (config.log_format == "json") {
    logger = spdlog::stderr_logger_mt("liverec");
    logger->set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    logger = spdlog::stderr_color_mt("liverec");
    logger->set_formatter(std::make_unique<TextLogFormatter>());  // outside text escaped
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
}

// The database line of check-config: reached or not, and its schema version against this
// binary's. 0 when `serve` could use it, 1 otherwise.
int ReportDatabase(const config::Config& config) {
  SystemClock clock;
  auto probe = metadata::ProbeDatabase(config.database, clock);
  if (!probe) {
    std::cout << "database: " << metadata::DescribeDatabase(config.database) << ": "
              << probe.error().ToString() << "\n";
    return 1;
  }
  std::cout << "database: " << probe->description << ": ";
  if (!probe->exists) {
    std::cout << "not created yet (`liverec serve` creates it)\n";
    return 0;
  }
  std::cout << "schema version " << probe->schema_version;
  if (probe->schema_version > probe->latest_version) {
    std::cout << ", newer than this liverec (" << probe->latest_version
              << "): `serve` refuses it; run a newer liverec\n";
    return 1;
  }
  if (probe->schema_version < probe->latest_version) {
    std::cout << " (" << probe->latest_version - probe->schema_version
              << " migrations to apply at the next start, up to " << probe->latest_version << ")";
  }
  std::cout << "\n";
  return 0;
}

}  // namespace

int RunServe(const ServeOptions& options) {
  auto config = config::LoadConfig({options.config_file, Environment(), options.flags});
  if (!config) {
    std::cerr << "liverec: " << config.error().ToString() << "\n";
    return 2;
  }
  SetUpLogging(*config);
  // libav (recording, composing, relays) logs through the same logger, as "libav".
  SystemClock clock;
  media::LibavLogBridge libav_log(spdlog::default_logger()->clone("libav"), clock);
  spdlog::info("liverec {} ({}) starting", BuildVersion(),
               BuildCommit().empty() ? "commit unknown" : BuildCommit());
  server::Server server(*config);
  auto started = server.Start();
  if (!started) {
    // Through the logger: with --log-format json, every line on stderr is JSON.
    spdlog::critical("cannot start: {}", started.error().ToString());
    return 1;
  }
  std::cout << server::StartBanner(*config, *started, options.program, options.config_file)
            << std::flush;
  // SIGHUP: the config is read again from the same sources; its bucket access applies at once
  // (docs/configuration.md "Bucket access"), an invalid one changes nothing.
  server.Wait([&] {
    auto reloaded = config::LoadConfig({options.config_file, Environment(), options.flags});
    if (!reloaded) {
      spdlog::error("reload: the configuration is invalid, nothing changed: {}",
                    reloaded.error().ToString());
      return;
    }
    if (Status applied = server.ReloadBucketAccess(*reloaded); !applied.ok()) {
      spdlog::error("reload: {}", applied.ToString());
    }
  });
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
  return ReportDatabase(*config);
}

}  // namespace liverec::apps
