// `liverec url`: a URL to read an object of a bucket, or every object under a prefix, for a
// given time (docs/configuration.md "Bucket access"): signed with the bucket's URL key for a
// private local bucket, presigned for a private S3 bucket, plain for a public-read one. Reads
// the keys from the database the server uses (made at its first start) and never calls the
// server, so the URL is the one the server itself would hand out.
#include <iostream>

#include "base/clock.h"
#include "base/random.h"
#include "commands.h"
#include "config/config.h"
#include "metadata/migrations.h"
#include "metadata/open_database.h"
#include "server/bucket_access.h"
#include "server/bucket_access_setup.h"
#include "server/object_stores.h"

namespace liverec::apps {
namespace {

// The first schema version with the URL keys of private buckets.
constexpr int kUrlKeySchemaVersion = 22;

int Fail(int code, const std::string& message) {
  std::cerr << "liverec: " << message << "\n";
  return code;
}

}  // namespace

int RunUrl(const UrlOptions& options) {
  std::map<std::string, std::string> flags;
  if (!options.data_dir.empty()) flags["data_dir"] = options.data_dir;
  auto config = config::LoadConfig({options.config_file, Environment(), flags});
  if (!config) return Fail(2, config.error().ToString());
  if (options.key.empty() != options.has_prefix) {
    return Fail(2,
                "give either --key (one object) or --prefix (every key starting with it; \"\" "
                "for the whole bucket)");
  }
  std::string public_url = !options.public_url.empty() ? options.public_url : config->public_url;
  if (public_url.empty()) {
    if (config->http_listen.ends_with(":0")) {
      return Fail(2, "http.listen has port 0: give --public-url with the port the server bound");
    }
    public_url = "http://" + config->http_listen;
  }
  while (public_url.ends_with('/')) public_url.pop_back();

  SystemClock clock;
  OsRandom random;
  auto db = metadata::OpenDatabase(config->database, clock);
  if (!db) return Fail(1, db.error().ToString());
  auto version = metadata::StoredSchemaVersion(**db);
  if (!version || *version < kUrlKeySchemaVersion) {
    return Fail(1, "the database has no bucket URL keys yet (schema version " +
                       std::to_string(version.value_or(0)) +
                       "); they are made when a server of this version starts");
  }
  std::map<std::pair<std::string, std::string>, server::BucketStore> stores;
  server::BucketStores sources;
  for (const auto& bucket : config->buckets) {
    auto made = server::MakeBucketStore(bucket);
    if (!made) return Fail(2, made.error().ToString());
    auto& kept = stores[{bucket.endpoint, bucket.name}] = std::move(*made);
    sources[{bucket.endpoint, bucket.name}] = &kept;
  }
  auto entries = server::MakeBucketAccessEntries(*config, **db, sources, clock, random);
  if (!entries) return Fail(1, entries.error().ToString());
  server::BucketAccess access(std::move(*entries), public_url, clock, random);
  bool prefix = options.has_prefix;
  auto url = access.SignedUrl(options.oss_endpoint, options.bucket,
                              prefix ? options.prefix : options.key, prefix, options.expires_s);
  if (!url) return Fail(2, url.error().detail());
  std::cout << *url << "\n";
  return 0;
}

}  // namespace liverec::apps
