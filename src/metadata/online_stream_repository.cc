#include "metadata/online_stream_repository.h"

#include "metadata/node_repository.h"

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "s.account_id, s.domain_name, s.app_name, s.stream_name, s.node_id, s.holder, "
    "s.ingest_domain, s.client_ip, s.server_ip, s.publish_time_ms, s.video_codec, "
    "s.audio_codec, s.width, s.height, s.frame_rate, s.video_kbps, s.audio_kbps, "
    "s.updated_at_ms, s.record_status";

// The row's holder holds its node's lease (kind and time bound to the first two `?`).
constexpr std::string_view kLiveJoin =
    " FROM online_streams s JOIN leases l ON l.kind = ? AND l.name = s.node_id AND "
    "l.holder = s.holder AND l.expires_at_ms > ? ";

OnlineStreamRow FromRow(const SqlRow& r) {
  return OnlineStreamRow{AsText(r[0]),  AsText(r[1]),  AsText(r[2]), AsText(r[3]), AsText(r[4]),
                         AsText(r[5]),  AsText(r[6]),  AsText(r[7]), AsText(r[8]), AsInt(r[9]),
                         AsText(r[10]), AsText(r[11]), AsInt(r[12]), AsInt(r[13]), AsInt(r[14]),
                         AsInt(r[15]),  AsInt(r[16]),  AsInt(r[17]), AsText(r[18])};
}

}  // namespace

Status OnlineStreamRepository::Upsert(const OnlineStreamRow& r) {
  auto changed = db_.Execute(
      "INSERT INTO online_streams (account_id, domain_name, app_name, stream_name, node_id, "
      "holder, ingest_domain, client_ip, server_ip, publish_time_ms, video_codec, audio_codec, "
      "width, height, frame_rate, video_kbps, audio_kbps, updated_at_ms, record_status) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id, domain_name, app_name, stream_name, node_id) DO UPDATE SET "
      "holder = excluded.holder, ingest_domain = excluded.ingest_domain, "
      "client_ip = excluded.client_ip, server_ip = excluded.server_ip, "
      "publish_time_ms = excluded.publish_time_ms, video_codec = excluded.video_codec, "
      "audio_codec = excluded.audio_codec, width = excluded.width, height = excluded.height, "
      "frame_rate = excluded.frame_rate, video_kbps = excluded.video_kbps, "
      "audio_kbps = excluded.audio_kbps, updated_at_ms = excluded.updated_at_ms, "
      "record_status = excluded.record_status",
      {r.account_id, r.domain_name, r.app_name, r.stream_name, r.node_id, r.holder, r.ingest_domain,
       r.client_ip, r.server_ip, r.publish_time_ms, r.video_codec, r.audio_codec, r.width, r.height,
       r.frame_rate, r.video_kbps, r.audio_kbps, r.updated_at_ms, r.record_status});
  if (!changed) return changed.error();
  return Status::Ok();
}

Result<bool> OnlineStreamRepository::Remove(const OnlineStreamRow& r) {
  auto changed = db_.Execute(
      "DELETE FROM online_streams WHERE account_id = ? AND domain_name = ? AND app_name = ? AND "
      "stream_name = ? AND node_id = ? AND holder = ?",
      {r.account_id, r.domain_name, r.app_name, r.stream_name, r.node_id, r.holder});
  if (!changed) return Error(changed.error());
  return *changed > 0;
}

Result<int64_t> OnlineStreamRepository::RemoveOtherHolders(const std::string& node_id,
                                                           const std::string& holder) {
  return db_.Execute("DELETE FROM online_streams WHERE node_id = ? AND holder <> ?",
                     {node_id, holder});
}

Result<std::vector<OnlineStreamRow>> OnlineStreamRepository::Select(int64_t now_ms,
                                                                    const std::string& where,
                                                                    std::vector<SqlValue> args) {
  args.insert(args.begin(), {std::string(kNodeLeaseKind), now_ms});
  auto rows =
      db_.Query(std::string("SELECT ").append(kColumns).append(kLiveJoin).append(where), args);
  if (!rows) return Error(rows.error());
  std::vector<OnlineStreamRow> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(FromRow(r));
  return out;
}

Result<std::vector<OnlineStreamRow>> OnlineStreamRepository::ListLive(
    const std::string& account_id, const std::string& domain, int64_t now_ms,
    const std::string& except_node) {
  return Select(now_ms,
                "WHERE s.account_id = ? AND s.domain_name = ? AND s.node_id <> ? "
                "ORDER BY s.app_name, s.stream_name, s.node_id",
                {account_id, domain, except_node});
}

Result<std::vector<OnlineStreamRow>> OnlineStreamRepository::FindLive(
    const std::string& account_id, const std::string& domain, const std::string& app,
    const std::string& stream, int64_t now_ms, const std::string& except_node) {
  return Select(now_ms,
                "WHERE s.account_id = ? AND s.domain_name = ? AND s.app_name = ? AND "
                "s.stream_name = ? AND s.node_id <> ? ORDER BY s.node_id",
                {account_id, domain, app, stream, except_node});
}

Result<int64_t> OnlineStreamRepository::PurgeDead(int64_t now_ms) {
  return db_.Execute(
      "DELETE FROM online_streams WHERE NOT EXISTS (SELECT 1 FROM leases l WHERE "
      "l.kind = ? AND l.name = online_streams.node_id AND "
      "l.holder = online_streams.holder AND l.expires_at_ms > ?)",
      {std::string(kNodeLeaseKind), now_ms});
}

}  // namespace liverec::metadata
