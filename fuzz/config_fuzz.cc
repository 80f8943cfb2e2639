// The TOML config file (config/config_file.h through LoadConfig, config/config.h): the file's
// text parsed by toml++, every key read with its type checked, unknown keys reported with the
// closest known name, then the whole config validated (listen addresses, time zones, buckets
// and their S3 settings, domains and their auth, the [testing] section).
// Input: the text of a config file (the deployment example is the seed).
// Properties: no crash, leak or undefined behaviour; a config that loads passes its own
// validation again when written back through the same sources (LoadConfig is deterministic);
// a refused one says why.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"
#include "fuzz/fuzz_support.h"

using namespace liverec;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  config::ConfigSources sources;
  sources.file = "fuzz.toml";
  sources.file_text = std::string(reinterpret_cast<const char*>(data), size);
  sources.env = {{"LIVEREC_ACCESS_KEY_ID", "FuzzKeyId0000001"},
                 {"LIVEREC_ACCESS_KEY_SECRET", "FuzzSecret00000000000000001"},
                 {"LIVEREC_S3_SECRET", "s3secret"}};
  auto config = config::LoadConfig(sources);
  if (!config) {
    FUZZ_CHECK(!config.error().detail().empty());
    return 0;
  }
  auto again = config::LoadConfig(sources);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->buckets.size() == config->buckets.size());
  FUZZ_CHECK(again->domains.size() == config->domains.size());
  FUZZ_CHECK(config::IsValidListenAddress(config->http_listen));
  FUZZ_CHECK(config::IsValidListenAddress(config->rtmp_listen));
  FUZZ_CHECK(config::ParseTimeZoneOffsetMinutes(config->recording.time_zone).has_value());
  return 0;
}
