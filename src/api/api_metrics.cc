#include "api/api_metrics.h"

#include "api/action_table.h"

namespace liverec::api {

ApiMetrics::ApiMetrics(metrics::MetricRegistry& registry)
    : requests_(registry.AddCounterFamily(
          "liverec_api_requests_total",
          "API requests answered, by Action (\"unknown\" when missing or not an action) and Code "
          "(\"OK\" or the error Code).",
          {"action", "code"})),
      duration_(registry.AddHistogramFamily(
          "liverec_api_request_duration_seconds",
          "Time from a request's arrival at the API to its response, by Action.", {"action"},
          metrics::LatencySecondsBuckets())) {}

std::string_view ApiMetrics::ActionLabel(std::string_view action) {
  const ActionEntry* entry = FindAction(action);
  return entry ? entry->name : std::string_view("unknown");
}

std::string ApiMetrics::CodeLabel(const Status& outcome) {
  if (outcome.ok()) return "OK";
  // The argument substituted into a Code ("Missing{}") is a parameter name from an action's
  // spec, never request text; anything else is cut back to the catalogue row.
  const std::string& arg = outcome.arg();
  bool plain = arg.size() <= 64;
  for (char c : arg) {
    plain = plain && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_');
  }
  return plain ? outcome.PublicCode() : Status(outcome.code()).PublicCode();
}

void ApiMetrics::Observe(std::string_view action, const Status& outcome, double seconds) {
  std::string_view label = ActionLabel(action);
  requests_.With({label, CodeLabel(outcome)}).Add();
  duration_.With({label}).Observe(seconds);
}

}  // namespace liverec::api
