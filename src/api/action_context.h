// ActionContext: what an action may use. Built per request by ApiService; actions get the
// caller's account, the time, and the repositories — never the HTTP request.
#pragma once

#include <string>

#include "api/authenticator.h"
#include "base/clock.h"
#include "base/random.h"
#include "metadata/record_config_repository.h"
#include "metadata/tenant_repository.h"

namespace liverec::api {

// Lower bounds of recording parameters. Production values are the API's; only the config's
// [testing] section (enabled = true) lowers them.
struct RecordLimits {
  int64_t min_delay_time_s = 15;
  int64_t min_cycle_duration_s = 900;
  int64_t min_slice_duration_s = 5;
};

// Long-lived services the actions use (owned by the server's composition root).
struct ApiDependencies {
  const Clock& clock;
  RandomSource& random;
  metadata::TenantRepository& tenants;
  metadata::RecordConfigRepository& record_configs;
  RecordLimits limits;
};

struct ActionContext {
  ApiDependencies& deps;
  Caller caller;
  int64_t now_ms = 0;
  std::string request_id;
};

}  // namespace liverec::api
