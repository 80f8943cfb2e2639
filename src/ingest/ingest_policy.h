// IngestPolicy: what ingest needs from the config and the store to admit a publisher: domain
// aliases, per-domain auth keys, and which account owns a domain. Built once at start.
// Thread-safety: read-only after construction; any thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "base/status.h"
#include "config/config.h"

namespace liverec::ingest {

struct IngestPolicy {
  std::map<std::string, std::string> aliases;            // ingest domain -> domain
  std::map<std::string, config::IngestAuthConfig> auth;  // domain -> auth
  std::map<std::string, std::string> domain_accounts;    // domain -> account id
  std::string default_account_id;                        // for undeclared domains
  std::string server_ip;  // this node's ingest address, as the live list shows it ("" = any)
  // Why a publish of (account, domain, app, stream) is refused now (ForbidLiveStream;
  // docs/api/moderation.md), or nullopt when it is not; null: nothing is forbidden. An error (the
  // database) lets the publish through, with a warning.
  std::function<Result<std::optional<std::string>>(
      const std::string& account, const std::string& domain, const std::string& app,
      const std::string& stream)>
      forbidden;
  std::string AccountOf(const std::string& domain) const {
    auto it = domain_accounts.find(domain);
    return it == domain_accounts.end() ? default_account_id : it->second;
  }
};

}  // namespace liverec::ingest
