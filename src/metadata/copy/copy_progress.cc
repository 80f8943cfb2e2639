#include "metadata/copy/copy_progress.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "metadata/copy/copy_schema.h"

namespace liverec::metadata {

Result<bool> CopyProgressExists(SqlSession& target) {
  auto rows = target.Query("SELECT COUNT(*) FROM pg_catalog.pg_class WHERE oid = to_regclass(?)",
                           {std::string(kCopyProgressTable)});
  if (!rows) return Error(rows.error());
  return AsInt(rows->at(0).at(0)) > 0;
}

Status CreateCopyProgress(SqlDatabase& target) {
  return target.ExecuteScript(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (table_name TEXT PRIMARY KEY, last_key TEXT, rows_copied "
      "BIGINT NOT NULL, done INTEGER NOT NULL, updated_at_ms BIGINT NOT NULL);",
      kCopyProgressTable));
}

Status DropCopyProgress(SqlDatabase& target) {
  return target.ExecuteScript(fmt::format("DROP TABLE IF EXISTS {};", kCopyProgressTable));
}

Result<std::map<std::string, TableProgress>> LoadCopyProgress(SqlSession& target) {
  auto rows = target.Query(
      fmt::format("SELECT table_name, last_key, rows_copied, done FROM {} ORDER BY table_name",
                  kCopyProgressTable));
  if (!rows) return Error(rows.error());
  std::map<std::string, TableProgress> progress;
  for (const auto& row : *rows) {
    TableProgress& table = progress[AsText(row.at(0))];
    if (!std::holds_alternative<std::monostate>(row.at(1))) {
      auto key = DecodeCopyKey(AsText(row.at(1)));
      if (!key) return Error(key.error().WithContext("the copy's progress of " + AsText(row[0])));
      table.last_key = std::move(*key);
    }
    table.rows_copied = AsInt(row.at(2));
    table.done = AsInt(row.at(3)) != 0;
  }
  return progress;
}

Status SaveCopyProgress(SqlSession& target, const std::string& table, const TableProgress& progress,
                        int64_t now_ms) {
  SqlValue key;
  if (progress.last_key) key = EncodeCopyKey(*progress.last_key);
  auto saved = target.Execute(
      fmt::format("INSERT INTO {} (table_name, last_key, rows_copied, done, updated_at_ms) "
                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_name) DO UPDATE SET last_key = "
                  "excluded.last_key, rows_copied = excluded.rows_copied, done = excluded.done, "
                  "updated_at_ms = excluded.updated_at_ms",
                  kCopyProgressTable),
      {table, key, progress.rows_copied, int64_t{progress.done ? 1 : 0}, now_ms});
  if (!saved) return saved.error();
  return Status::Ok();
}

std::string EncodeCopyKey(const SqlRow& key) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& value : key) {
    if (const auto* i = std::get_if<int64_t>(&value)) {
      array.push_back(*i);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      array.push_back(*s);
    } else {
      array.push_back(nullptr);
    }
  }
  // Invalid UTF-8 cannot be in a key: PostgreSQL (UTF8) refused the batch that held it.
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<SqlRow> DecodeCopyKey(std::string_view json) {
  auto array = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) {
    return Error(ErrorCode::kInternalError, "", fmt::format("not a key: {}", json));
  }
  SqlRow key;
  for (const auto& value : array) {
    if (value.is_number_integer()) {
      key.emplace_back(value.get<int64_t>());
    } else if (value.is_string()) {
      key.emplace_back(value.get<std::string>());
    } else if (value.is_null()) {
      key.emplace_back(std::monostate{});
    } else {
      return Error(ErrorCode::kInternalError, "", fmt::format("not a key: {}", json));
    }
  }
  return key;
}

}  // namespace liverec::metadata
