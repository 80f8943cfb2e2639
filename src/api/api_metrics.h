// ApiMetrics: what the API counts for /metrics: requests by Action and Code, and their latency.
// Labels stay bounded: the Action is a name from the action table or "unknown" (a missing or
// unknown Action, or a request refused before its Action was read), the Code is "OK" or the
// error's public Code from the catalogue (base/error_codes.def).
// Thread-safety: Observe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "base/metrics.h"
#include "base/status.h"

namespace liverec::api {

class ApiMetrics {
 public:
  // Registers liverec_api_requests_total{action,code} and
  // liverec_api_request_duration_seconds{action} in `registry`.
  explicit ApiMetrics(metrics::MetricRegistry& registry);

  // One answered request: `outcome` is what the caller was told (OK or the error).
  void Observe(std::string_view action, const Status& outcome, double seconds);

  // The label values Observe uses.
  static std::string_view ActionLabel(std::string_view action);
  static std::string CodeLabel(const Status& outcome);

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& duration_;
};

}  // namespace liverec::api
