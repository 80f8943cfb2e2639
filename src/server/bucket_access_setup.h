// The BucketAccess of a config (docs/configuration.md "Bucket access"): each bucket's access and
// URL lifetime from its [[buckets]] table, its URL key from the config or else the database
// (one random key per bucket, made once and shared by every node), and presigning from its S3
// store. Used by the server at start and by `liverec url`. Thread-safety: call from one thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/action_context.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "config/config.h"
#include "metadata/sql_database.h"
#include "server/bucket_access.h"
#include "server/object_stores.h"

namespace liverec::server {

// (endpoint, bucket) -> the bucket's store (for its public base and presigning).
using BucketStores = std::map<std::pair<std::string, std::string>, const BucketStore*>;

// The entries of every configured bucket. Reads (and at the first start, writes) the URL keys
// of buckets whose config gives none; the accounts must exist (Bootstrap).
Result<std::vector<BucketAccessEntry>> MakeBucketAccessEntries(const config::Config& config,
                                                               metadata::SqlDatabase& db,
                                                               const BucketStores& stores,
                                                               const Clock& clock,
                                                               RandomSource& random);

// Points the API's URL makers at `access` (which must outlive the API): RecordUrls
// (BucketAccess::ObjectUrl) and watch playlist URLs (BucketAccess::SignedPathUrl).
void SetIndexUrls(api::IndexOptions& index, const BucketAccess& access);

}  // namespace liverec::server
