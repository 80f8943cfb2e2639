#include "metadata/record_config_repository.h"

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "account_id, id, domain_name, app_name, stream_name, oss_endpoint, oss_bucket, on_demand, "
    "delay_time_s, start_time_ms, end_time_ms, created_at_ms, updated_at_ms";

RecordConfig ToConfig(const SqlRow& r) {
  RecordConfig c;
  c.account_id = AsText(r[0]);
  c.id = AsText(r[1]);
  c.domain_name = AsText(r[2]);
  c.app_name = AsText(r[3]);
  c.stream_name = AsText(r[4]);
  c.oss_endpoint = AsText(r[5]);
  c.oss_bucket = AsText(r[6]);
  c.on_demand = static_cast<int>(AsInt(r[7]));
  c.delay_time_s = static_cast<int>(AsInt(r[8]));
  c.start_time_ms = AsOptionalInt(r[9]);
  c.end_time_ms = AsOptionalInt(r[10]);
  c.created_at_ms = AsInt(r[11]);
  c.updated_at_ms = AsInt(r[12]);
  return c;
}

std::string Select(std::string_view where_and_rest) {
  return std::string("SELECT ") + std::string(kColumns) + " FROM record_configs WHERE " +
         std::string(where_and_rest);
}

}  // namespace

Status RecordConfigRepository::WriteChildren(SqlSession& session, const RecordConfig& c) {
  auto write_formats = [&](const std::vector<RecordFormat>& formats, int64_t transcoded) -> Status {
    for (size_t i = 0; i < formats.size(); ++i) {
      const auto& f = formats[i];
      auto r = session.Execute(
          "INSERT INTO record_formats (account_id, config_id, transcoded, position, format, "
          "oss_object_prefix, slice_oss_object_prefix, cycle_duration_s, slice_duration_s) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {c.account_id, c.id, transcoded, static_cast<int64_t>(i), f.format, f.oss_object_prefix,
           f.slice_oss_object_prefix, int64_t{f.cycle_duration_s}, int64_t{f.slice_duration_s}});
      if (!r) return r.error();
    }
    return Status::Ok();
  };
  if (Status s = write_formats(c.formats, 0); !s.ok()) return s;
  if (Status s = write_formats(c.transcode_formats, 1); !s.ok()) return s;
  for (size_t i = 0; i < c.transcode_templates.size(); ++i) {
    auto r = session.Execute(
        "INSERT INTO record_transcode_templates (account_id, config_id, position, template_id) "
        "VALUES (?, ?, ?, ?)",
        {c.account_id, c.id, static_cast<int64_t>(i), c.transcode_templates[i]});
    if (!r) return r.error();
  }
  return Status::Ok();
}

Status RecordConfigRepository::Insert(const RecordConfig& c) {
  return db_.InTransaction([&](SqlSession& session) -> Status {
    auto existing = session.Query(
        "SELECT 1 FROM record_configs WHERE account_id = ? AND domain_name = ? AND app_name = ? "
        "AND stream_name = ?",
        {c.account_id, c.domain_name, c.app_name, c.stream_name});
    if (!existing) return existing.error();
    if (!existing->empty()) return Status(ErrorCode::kConfigAlreadyExists);
    auto r = session.Execute(
        std::string("INSERT INTO record_configs (") + std::string(kColumns) +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {c.account_id, c.id, c.domain_name, c.app_name, c.stream_name, c.oss_endpoint, c.oss_bucket,
         int64_t{c.on_demand}, int64_t{c.delay_time_s}, OptionalInt(c.start_time_ms),
         OptionalInt(c.end_time_ms), c.created_at_ms, c.updated_at_ms});
    if (!r) return r.error();
    return WriteChildren(session, c);
  });
}

Status RecordConfigRepository::Update(const RecordConfig& c) {
  return db_.InTransaction([&](SqlSession& session) -> Status {
    auto r = session.Execute(
        "UPDATE record_configs SET oss_endpoint = ?, oss_bucket = ?, on_demand = ?, "
        "delay_time_s = ?, start_time_ms = ?, end_time_ms = ?, updated_at_ms = ? "
        "WHERE account_id = ? AND id = ?",
        {c.oss_endpoint, c.oss_bucket, int64_t{c.on_demand}, int64_t{c.delay_time_s},
         OptionalInt(c.start_time_ms), OptionalInt(c.end_time_ms), c.updated_at_ms, c.account_id,
         c.id});
    if (!r) return r.error();
    if (*r == 0) return Status(ErrorCode::kInvalidConfigNotFound);
    for (const char* table : {"record_formats", "record_transcode_templates"}) {
      auto d = session.Execute(
          std::string("DELETE FROM ") + table + " WHERE account_id = ? AND config_id = ?",
          {c.account_id, c.id});
      if (!d) return d.error();
    }
    return WriteChildren(session, c);
  });
}

Status RecordConfigRepository::Delete(const RecordConfigKey& key) {
  // Children go by ON DELETE CASCADE.
  auto r = db_.Execute(
      "DELETE FROM record_configs WHERE account_id = ? AND domain_name = ? AND app_name = ? AND "
      "stream_name = ?",
      {key.account_id, key.domain_name, key.app_name, key.stream_name});
  if (!r) return r.error();
  return *r == 0 ? Status(ErrorCode::kInvalidConfigNotFound) : Status::Ok();
}

Status RecordConfigRepository::LoadChildren(RecordConfig& c) {
  auto formats = db_.Query(
      "SELECT transcoded, format, oss_object_prefix, slice_oss_object_prefix, cycle_duration_s, "
      "slice_duration_s FROM record_formats WHERE account_id = ? AND config_id = ? "
      "ORDER BY transcoded, position",
      {c.account_id, c.id});
  if (!formats) return formats.error();
  for (const auto& r : *formats) {
    RecordFormat f{AsText(r[1]), AsText(r[2]), AsText(r[3]), static_cast<int>(AsInt(r[4])),
                   static_cast<int>(AsInt(r[5]))};
    (AsInt(r[0]) ? c.transcode_formats : c.formats).push_back(std::move(f));
  }
  auto templates = db_.Query(
      "SELECT template_id FROM record_transcode_templates WHERE account_id = ? AND config_id = ? "
      "ORDER BY position",
      {c.account_id, c.id});
  if (!templates) return templates.error();
  for (const auto& r : *templates) c.transcode_templates.push_back(AsText(r[0]));
  return Status::Ok();
}

Result<std::optional<RecordConfig>> RecordConfigRepository::Find(const RecordConfigKey& key) {
  auto rows =
      db_.Query(Select("account_id = ? AND domain_name = ? AND app_name = ? AND stream_name = ?"),
                {key.account_id, key.domain_name, key.app_name, key.stream_name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<RecordConfig>();
  RecordConfig config = ToConfig(rows->front());
  LIVEREC_RETURN_IF_ERROR(LoadChildren(config));
  return std::optional<RecordConfig>(std::move(config));
}

Result<RecordConfigPage> RecordConfigRepository::List(const RecordConfigQuery& q) {
  std::string where = "account_id = ? AND domain_name = ?";
  std::vector<SqlValue> args{q.account_id, q.domain_name};
  if (q.app_name) {
    where += " AND app_name = ?";
    args.emplace_back(*q.app_name);
  }
  if (q.stream_name) {
    where += " AND stream_name = ?";
    args.emplace_back(*q.stream_name);
  }
  auto count = db_.Query("SELECT COUNT(*) FROM record_configs WHERE " + where, args);
  if (!count) return Error(count.error());
  RecordConfigPage page;
  page.total = AsInt(count->front()[0]);

  // Ids are UUIDv7: ordering by id is ordering by creation, with a unique tie-break.
  std::string order = q.ascending ? " ORDER BY id ASC" : " ORDER BY id DESC";
  args.emplace_back(q.page_size);
  args.emplace_back((q.page_num - 1) * q.page_size);
  auto rows = db_.Query(Select(where + order + " LIMIT ? OFFSET ?"), args);
  if (!rows) return Error(rows.error());
  for (const auto& row : *rows) {
    RecordConfig config = ToConfig(row);
    LIVEREC_RETURN_IF_ERROR(LoadChildren(config));
    page.configs.push_back(std::move(config));
  }
  return page;
}

Result<std::vector<RecordConfig>> RecordConfigRepository::ListForDomain(
    const std::string& account_id, const std::string& domain_name) {
  auto rows = db_.Query(Select("account_id = ? AND domain_name = ? ORDER BY id"),
                        {account_id, domain_name});
  if (!rows) return Error(rows.error());
  std::vector<RecordConfig> configs;
  for (const auto& row : *rows) {
    RecordConfig config = ToConfig(row);
    LIVEREC_RETURN_IF_ERROR(LoadChildren(config));
    configs.push_back(std::move(config));
  }
  return configs;
}

}  // namespace liverec::metadata
