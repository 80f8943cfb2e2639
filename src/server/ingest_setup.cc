#include "server/ingest_setup.h"

#include "base/time_format.h"

namespace liverec::server {

Status FillIngestDomains(const config::Config& config, metadata::TenantRepository& tenants,
                         ingest::IngestPolicy& policy) {
  auto default_account = tenants.FindAccountByName(std::string(config::kDefaultAccount));
  if (!default_account || !*default_account) {
    return Status(ErrorCode::kInternalError, "", "the default account is missing");
  }
  policy.default_account_id = (*default_account)->id;
  for (const auto& domain : config.domains) {
    auto account = tenants.FindAccountByName(domain.account);
    if (account && *account) policy.domain_accounts[domain.name] = (*account)->id;
    for (const auto& alias : domain.aliases) policy.aliases[alias] = domain.name;
    if (domain.auth) policy.auth[domain.name] = *domain.auth;
  }
  return Status::Ok();
}

decltype(ingest::IngestPolicy::forbidden) BlockListCheck(metadata::StreamBlockRepository& blocks,
                                                         const Clock& clock) {
  return [&blocks, &clock](const std::string& account, const std::string& domain,
                           const std::string& app,
                           const std::string& stream) -> Result<std::optional<std::string>> {
    auto block = blocks.Find(account, domain, app, stream, clock.NowMs());
    if (!block) return Error(block.error());
    if (!*block) return std::optional<std::string>();
    int64_t until = (*block)->resume_at_ms;
    return std::optional<std::string>(
        "the stream is forbidden (ForbidLiveStream) " +
        (until ? "until " + FormatIsoUtc(until) : std::string("until ResumeLiveStream")));
  };
}

}  // namespace liverec::server
