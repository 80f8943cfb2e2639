// What the API's dependencies take from the server config: the lowered minimums of the
// [testing] section, the relay URL policy and the pull-to-push limits (each logs the warnings
// its settings deserve once, at start), and the operator accounts.
#pragma once

#include "api/action_context.h"
#include "config/config.h"
#include "metadata/tenant_repository.h"
#include "server/node_listing.h"

namespace liverec::server {

// The recording minimums (the API's, or the [testing] section's when enabled).
api::RecordLimits RecordLimitsOf(const config::Config& config);

// Which sources and destinations relays may use: checked by the API when a task is stored and
// by the runner right before it connects.
relay::UrlPolicy RelayUrlPolicyOf(const config::Config& config);

// The pull-to-push actions' policy and limits (docs/api/relay.md); the repository is set by
// the caller.
api::RelayServices RelayServicesOf(const config::Config& config);

// Who may call the operator actions (api.operator_accounts, as account ids) and the nodes they
// see. The accounts exist (Bootstrap made them).
Result<api::OperatorServices> OperatorServicesOf(const config::Config& config,
                                                 metadata::TenantRepository& tenants,
                                                 const NodeListingSource& nodes);

}  // namespace liverec::server
