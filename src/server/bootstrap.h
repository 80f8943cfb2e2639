// Bootstrap: makes the metadata store agree with the config at start — accounts and their keys,
// domains with aliases, buckets — and makes sure the default account has an AccessKey pair:
// LIVEREC_ACCESS_KEY_ID/SECRET when set, else the one created on first start. The default key is
// written to <data_dir>/credentials.json (mode 0600) for `liverec call`.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "config/config.h"
#include "metadata/tenant_repository.h"

namespace liverec::server {

struct DefaultCredentials {
  std::string access_key_id;
  std::string access_key_secret;
  bool created = false;  // made on this start
};

Result<DefaultCredentials> Bootstrap(const config::Config& config,
                                     metadata::TenantRepository& tenants, const Clock& clock,
                                     RandomSource& random);

// Where the default key is stored, and reading it back (for the CLI).
std::string CredentialsPath(const std::string& data_dir);
Result<DefaultCredentials> ReadCredentials(const std::string& data_dir);

}  // namespace liverec::server
