// DescribeLiveClusterNodes (liverec's own): the nodes of the cluster with their membership lease,
// the leases they hold and their load, for operator accounts only (api.operator_accounts);
// on SQLite the one node answering (docs/api/cluster.md).
#include <algorithm>

#include "api/actions/actions.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

int64_t Held(const metadata::NodeStatus& node, const std::string& kind) {
  auto it = node.leases_held.find(kind);
  return it == node.leases_held.end() ? 0 : it->second;
}

std::string TimeOrEmpty(int64_t ms) { return ms > 0 ? FormatIsoUtc(ms) : ""; }

// held: live; lapsed: not renewed in time (the process died, paused or lost the database);
// released: given up at a clean stop; none: never held (and on SQLite, where there is none).
std::string LeaseStatus(const metadata::NodeStatus& n) {
  if (n.live && n.epoch > 0) return "held";
  if (!n.holder.empty()) return "lapsed";
  return n.epoch > 0 ? "released" : "none";
}

nlohmann::json NodeJson(const metadata::NodeStatus& n, int64_t now_ms) {
  return {
      {"NodeId", n.node.node_id},
      {"Status", n.live ? "live" : "dead"},
      {"HttpAddress", n.node.advertise_http},
      {"RtmpAddress", n.node.advertise_rtmp},
      {"Version", n.node.version},
      {"StartTime", TimeOrEmpty(n.node.started_at_ms)},
      {"HeartbeatTime", TimeOrEmpty(n.node.heartbeat_at_ms)},
      {"LiveStreams", n.node.live_streams},
      {"RelaysRunning", n.node.relays_running},
      {"UploadLagSeconds", static_cast<double>(n.node.upload_lag_ms) / 1000.0},
      {"LeaseStatus", LeaseStatus(n)},
      {"LeaseEpoch", n.epoch},
      {"LeaseExpireTime", TimeOrEmpty(n.lease_expires_at_ms)},
      {"LeaseSecondsLeft",
       n.live ? static_cast<double>(std::max<int64_t>(0, n.lease_expires_at_ms - now_ms)) / 1000.0
              : 0.0},
      {"PublishLeases", Held(n, "publish")},
      {"RecordLeases", Held(n, "record")},
      {"RelayLeases", Held(n, "relay")}};
}

}  // namespace

Result<nlohmann::json> DescribeLiveClusterNodes(ActionContext& context, const Params& /*params*/) {
  const OperatorServices& operators = context.deps.operators;
  if (!operators.account_ids.contains(context.caller.account_id)) {
    return Error(ErrorCode::kNotOperator);
  }
  if (!operators.nodes) return Error(ErrorCode::kInternalError, "", "the node list is not served");
  auto listing = operators.nodes(context.now_ms);
  if (!listing) return Error(listing.error());
  nlohmann::json nodes = nlohmann::json::array();
  int64_t live = 0;
  for (const auto& n : listing->nodes) {
    nodes.push_back(NodeJson(n, context.now_ms));
    live += n.live ? 1 : 0;
  }
  return nlohmann::json{{"ClusterMode", listing->cluster_mode},
                        {"NodeId", listing->this_node},
                        {"LeaseSeconds", listing->lease_ms / 1000},
                        {"TotalCount", static_cast<int64_t>(listing->nodes.size())},
                        {"LiveCount", live},
                        {"Nodes", {{"Node", nodes}}}};
}

}  // namespace liverec::api::actions
