#include "config/cluster_config.h"

#include <unistd.h>

#include <climits>

#include <fmt/format.h>

#include "config/config.h"

namespace liverec::config {

bool IsValidNodeId(std::string_view node_id) {
  if (node_id.empty() || node_id.size() > 64) return false;
  for (char c : node_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string DefaultNodeId() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

void ValidateCluster(ClusterConfig& cluster, int64_t min_lease_seconds,
                     std::vector<std::string>& problems) {
  if (cluster.node_id.empty()) {
    cluster.node_id = DefaultNodeId();
    if (!IsValidNodeId(cluster.node_id)) {
      problems.push_back(fmt::format(
          "cluster.node_id: not set, and the host name '{}' is not a valid node id (1-64 of "
          "letters, digits, . _ -); set cluster.node_id",
          cluster.node_id));
    }
  } else if (!IsValidNodeId(cluster.node_id)) {
    problems.push_back(fmt::format("cluster.node_id: '{}' must be 1-64 of letters, digits, . _ -",
                                   cluster.node_id));
  }
  if (cluster.lease_seconds < min_lease_seconds || cluster.lease_seconds > kMaxLeaseSeconds) {
    problems.push_back(
        fmt::format("cluster.lease_seconds: must be {}-{}", min_lease_seconds, kMaxLeaseSeconds));
  }
  if (cluster.command_timeout_ms < kMinCommandTimeoutMs ||
      cluster.command_timeout_ms > kMaxCommandTimeoutMs) {
    problems.push_back(fmt::format("cluster.command_timeout_ms: must be {}-{}",
                                   kMinCommandTimeoutMs, kMaxCommandTimeoutMs));
  }
  if (!cluster.advertise_http.empty() && !IsValidListenAddress(cluster.advertise_http)) {
    problems.push_back(
        fmt::format("cluster.advertise_http: '{}' is not host:port", cluster.advertise_http));
  }
  if (!cluster.advertise_rtmp.empty() && !IsValidListenAddress(cluster.advertise_rtmp)) {
    problems.push_back(
        fmt::format("cluster.advertise_rtmp: '{}' is not host:port", cluster.advertise_rtmp));
  }
}

}  // namespace liverec::config
