#include "metadata/node_repository.h"

namespace liverec::metadata {

Status NodeRepository::Save(SqlSession& session, const NodeRow& row) {
  auto changed = session.Execute(
      "INSERT INTO nodes (node_id, advertise_http, advertise_rtmp, version, started_at_ms, "
      "heartbeat_at_ms, live_streams, relays_running, upload_lag_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (node_id) DO UPDATE SET advertise_http = excluded.advertise_http, "
      "advertise_rtmp = excluded.advertise_rtmp, version = excluded.version, "
      "started_at_ms = excluded.started_at_ms, heartbeat_at_ms = excluded.heartbeat_at_ms, "
      "live_streams = excluded.live_streams, relays_running = excluded.relays_running, "
      "upload_lag_ms = excluded.upload_lag_ms",
      {row.node_id, row.advertise_http, row.advertise_rtmp, row.version, row.started_at_ms,
       row.heartbeat_at_ms, row.live_streams, row.relays_running, row.upload_lag_ms});
  if (!changed) return changed.error();
  return Status::Ok();
}

Result<std::vector<NodeStatus>> NodeRepository::List(int64_t now_ms) {
  auto rows = db_.Query(
      "SELECT n.node_id, n.advertise_http, n.advertise_rtmp, n.version, n.started_at_ms, "
      "n.heartbeat_at_ms, n.live_streams, n.relays_running, n.upload_lag_ms, l.holder, l.epoch, "
      "l.expires_at_ms FROM nodes n LEFT JOIN leases l ON l.kind = ? AND l.name = n.node_id "
      "ORDER BY n.node_id",
      {std::string(kNodeLeaseKind)});
  if (!rows) return Error(rows.error());
  // Every holder's unexpired leases by kind, in one query (a holder is one node's process).
  auto held = db_.Query(
      "SELECT holder, kind, COUNT(*) FROM leases WHERE kind <> ? AND holder <> '' AND "
      "expires_at_ms > ? GROUP BY holder, kind",
      {std::string(kNodeLeaseKind), now_ms});
  if (!held) return Error(held.error());
  std::map<std::string, std::map<std::string, int64_t>> by_holder;
  for (const auto& r : *held) by_holder[AsText(r[0])][AsText(r[1])] = AsInt(r[2]);
  std::vector<NodeStatus> nodes;
  for (const auto& r : *rows) {
    NodeStatus s;
    s.node = {AsText(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), AsInt(r[4]),
              AsInt(r[5]),  AsInt(r[6]),  AsInt(r[7]),  AsInt(r[8])};
    s.holder = AsText(r[9]);
    s.epoch = AsInt(r[10]);
    s.lease_expires_at_ms = AsInt(r[11]);
    s.live = !s.holder.empty() && now_ms < s.lease_expires_at_ms;
    if (!s.holder.empty()) {
      auto it = by_holder.find(s.holder);
      if (it != by_holder.end()) s.leases_held = it->second;
    }
    nodes.push_back(std::move(s));
  }
  return nodes;
}

Result<int64_t> NodeRepository::CountLive(int64_t now_ms) {
  auto rows =
      db_.Query("SELECT COUNT(*) FROM leases WHERE kind = ? AND holder <> '' AND expires_at_ms > ?",
                {std::string(kNodeLeaseKind), now_ms});
  if (!rows) return Error(rows.error());
  return AsInt(rows->at(0).at(0));
}

}  // namespace liverec::metadata
