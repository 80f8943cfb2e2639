// `liverec cluster nodes`: the nodes of a cluster on PostgreSQL, as the database holds them
// (metadata::NodeRepository): live or dead by their membership lease, addresses, version, start,
// last heartbeat, load and upload lag (--json: and the leases each holds). Reads only.
// docs/cluster.md "Listing the nodes".
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/time_format.h"
#include "commands.h"
#include "config/config.h"
#include "metadata/migrations.h"
#include "metadata/node_repository.h"
#include "metadata/open_database.h"

namespace liverec::apps {
namespace {

// The first schema version with the cluster tables.
constexpr int kClusterSchemaVersion = 12;

std::string Ago(int64_t now_ms, int64_t at_ms) {
  if (at_ms <= 0) return "-";
  return fmt::format("{:.1f} s ago", static_cast<double>(now_ms - at_ms) / 1000.0);
}

std::string LeaseText(const metadata::NodeStatus& n, int64_t now_ms) {
  if (n.holder.empty()) return "released";
  if (n.live) {
    return fmt::format("epoch {}, {:.1f} s left", n.epoch,
                       static_cast<double>(n.lease_expires_at_ms - now_ms) / 1000.0);
  }
  return fmt::format("epoch {}, lapsed {}", n.epoch, Ago(now_ms, n.lease_expires_at_ms));
}

nlohmann::json ToJson(const metadata::NodeStatus& n) {
  return {{"node_id", n.node.node_id},
          {"live", n.live},
          {"advertise_http", n.node.advertise_http},
          {"advertise_rtmp", n.node.advertise_rtmp},
          {"version", n.node.version},
          {"started_at", FormatIsoUtc(n.node.started_at_ms)},
          {"heartbeat_at", FormatIsoUtc(n.node.heartbeat_at_ms)},
          {"live_streams", n.node.live_streams},
          {"relays_running", n.node.relays_running},
          {"upload_lag_seconds", static_cast<double>(n.node.upload_lag_ms) / 1000.0},
          {"leases_held", n.leases_held},
          {"lease_holder", n.holder},
          {"lease_epoch", n.epoch},
          {"lease_expires_at", FormatIsoUtc(n.lease_expires_at_ms)}};
}

void PrintTable(const std::vector<metadata::NodeStatus>& nodes, int64_t now_ms) {
  constexpr std::string_view kRow =
      "{:<20} {:<5} {:<22} {:<22} {:<10} {:<21} {:<12} {:>7} {:>6} {:>7}  {}\n";
  std::cout << fmt::format(kRow, "node_id", "state", "http", "rtmp", "version", "started",
                           "heartbeat", "streams", "relays", "lag", "lease");
  for (const auto& n : nodes) {
    std::cout << fmt::format(
        kRow, n.node.node_id, n.live ? "live" : "dead", n.node.advertise_http,
        n.node.advertise_rtmp, n.node.version, FormatIsoUtc(n.node.started_at_ms),
        Ago(now_ms, n.node.heartbeat_at_ms), n.node.live_streams, n.node.relays_running,
        fmt::format("{:.1f} s", n.node.upload_lag_ms / 1000.0), LeaseText(n, now_ms));
  }
}

}  // namespace

int RunClusterNodes(const ClusterNodesOptions& options) {
  auto config = config::LoadConfig({options.config_file, Environment(), {}});
  if (!config) {
    std::cerr << "liverec: " << config.error().ToString() << "\n";
    return 2;
  }
  if (config->database.url.empty()) {
    std::cerr << "liverec: this configuration uses SQLite (" << config->database.path
              << "): a single node, without cluster membership; set [database] url\n";
    return 2;
  }
  SystemClock clock;
  auto db = metadata::OpenDatabase(config->database, clock);
  if (!db) {
    std::cerr << "liverec: " << db.error().ToString() << "\n";
    return 1;
  }
  auto version = metadata::StoredSchemaVersion(**db);
  if (!version || *version < kClusterSchemaVersion) {
    std::cerr << "liverec: the database has no cluster tables yet (schema version "
              << version.value_or(0) << "); they appear when a node of this version starts\n";
    return 1;
  }
  int64_t now_ms = clock.NowMs();
  auto nodes = metadata::NodeRepository(**db).List(now_ms);
  if (!nodes) {
    std::cerr << "liverec: " << nodes.error().ToString() << "\n";
    return 1;
  }
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& n : *nodes) out.push_back(ToJson(n));
    std::cout << out.dump(2) << "\n";
  } else {
    PrintTable(*nodes, now_ms);
  }
  return 0;
}

}  // namespace liverec::apps
