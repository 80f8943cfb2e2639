// The backend-specific keys of `[[buckets]]` tables: reading them from TOML, taking secrets
// from the environment, and validating them (every problem reported, as LoadConfig does).
// Used by LoadConfig only. Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/toml_reader.h"

namespace liverec::config {

// Reads url, region, access_key_id(_env), secret_access_key(_env), path_style, remote_bucket,
// public_url, part_size_mb and timeout_ms of the table `b` into bucket.s3.
void ReadS3BucketKeys(const TomlView& b, const std::string& where, BucketConfig& bucket,
                      TomlReader& in);

// Reads access, url_expiry_s, url_key and url_key_env of the table `b` (any backend).
void ReadBucketAccessKeys(const TomlView& b, const std::string& where, BucketConfig& bucket,
                          TomlReader& in);

// Replaces the *_env names of buckets (S3 credentials, url_key) by the values of those variables in
// `env`.
void ResolveBucketSecrets(std::vector<BucketConfig>& buckets,
                          const std::map<std::string, std::string>& env,
                          std::vector<std::string>& problems);

// Checks access, url_expiry_s and url_key (after ResolveBucketSecrets).
void ValidateBucketAccess(const BucketConfig& bucket, const std::string& where,
                          std::vector<std::string>& problems);

// Checks the backend and its keys; fills defaults (a local bucket's path, an S3 bucket's remote
// name) and strips a trailing '/' of public_url.
void ValidateBucketBackend(BucketConfig& bucket, const std::string& where,
                           const std::string& data_dir, std::vector<std::string>& problems);

}  // namespace liverec::config
