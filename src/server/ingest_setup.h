// What the RTMP ingest policy is made of, out of the server's composition root: the accounts of
// the configured domains (with their aliases and ingest authentication), and the check of the
// block list (ForbidLiveStream; docs/api/moderation.md) a publish goes through.
#pragma once

#include "base/clock.h"
#include "config/config.h"
#include "ingest/ingest_policy.h"
#include "metadata/stream_block_repository.h"
#include "metadata/tenant_repository.h"

namespace liverec::server {

// Fills `policy`'s default account, domain accounts, aliases and authentication from `config`.
Status FillIngestDomains(const config::Config& config, metadata::TenantRepository& tenants,
                         ingest::IngestPolicy& policy);

// The publish-time check of the block list: the refusal's reason while a block holds.
decltype(ingest::IngestPolicy::forbidden) BlockListCheck(metadata::StreamBlockRepository& blocks,
                                                         const Clock& clock);

}  // namespace liverec::server
