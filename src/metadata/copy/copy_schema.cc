#include "metadata/copy/copy_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace liverec::metadata {
namespace {

Status Refuse(std::string detail) {
  return Status(ErrorCode::kInternalError, "", std::move(detail));
}

Result<std::vector<std::string>> TextColumn(SqlSession& session, std::string_view sql,
                                            const std::vector<SqlValue>& args = {}) {
  auto rows = session.Query(sql, args);
  if (!rows) return Error(rows.error());
  std::vector<std::string> values;
  for (const auto& row : *rows) values.push_back(AsText(row.at(0)));
  return values;
}

Result<CopyTable> ReadSqliteTable(SqlSession& sqlite, const std::string& name) {
  CopyTable table{name, {}, {}, {}};
  auto columns = sqlite.Query("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", {name});
  if (!columns) return Error(columns.error());
  std::map<int64_t, int> key_by_rank;  // pk is the column's 1-based rank in the primary key
  for (const auto& row : *columns) {
    if (int64_t rank = AsInt(row.at(1)); rank > 0) {
      key_by_rank[rank] = static_cast<int>(table.columns.size());
    }
    table.columns.push_back(AsText(row.at(0)));
  }
  for (const auto& [rank, position] : key_by_rank) table.key.push_back(position);
  if (table.key.empty()) {
    return Error(Refuse(
        fmt::format("table {} has no primary key: the copy pages through primary keys (teach "
                    "src/metadata/copy/ about it)",
                    name)));
  }
  auto parents = TextColumn(
      sqlite, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?) ORDER BY 1", {name});
  if (!parents) return Error(parents.error());
  for (auto& parent : *parents) {
    if (parent != name) table.parents.push_back(std::move(parent));
  }
  return table;
}

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

Result<std::vector<CopyTable>> OrderByDependencies(std::vector<CopyTable> tables) {
  std::sort(tables.begin(), tables.end(),
            [](const CopyTable& a, const CopyTable& b) { return a.name < b.name; });
  std::set<std::string> listed, placed;
  for (const auto& table : tables) listed.insert(table.name);
  std::vector<CopyTable> ordered;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const CopyTable& table) {
      return std::all_of(table.parents.begin(), table.parents.end(),
                         [&](const std::string& p) { return !listed.count(p) || placed.count(p); });
    });
    if (ready == tables.end()) {
      return Error(Refuse(fmt::format("the foreign keys of table {} and others form a cycle",
                                      tables.front().name)));
    }
    placed.insert(ready->name);
    ordered.push_back(std::move(*ready));
    tables.erase(ready);
  }
  return ordered;
}

Result<std::vector<CopyTable>> ReadSqliteTables(SqlSession& sqlite) {
  auto names = TextColumn(sqlite,
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                          "'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY name");
  if (!names) return Error(names.error());
  std::vector<CopyTable> tables;
  for (const auto& name : *names) {
    auto table = ReadSqliteTable(sqlite, name);
    if (!table) return Error(table.error());
    tables.push_back(std::move(*table));
  }
  return OrderByDependencies(std::move(tables));
}

Result<std::vector<std::string>> ListPostgresTables(SqlSession& postgres) {
  return TextColumn(postgres,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                    "current_schema() AND table_type = 'BASE TABLE' AND table_name NOT IN "
                    "('schema_migrations', ?) ORDER BY table_name",
                    {std::string(kCopyProgressTable)});
}

Result<std::vector<std::string>> ListPostgresColumns(SqlSession& postgres,
                                                     const std::string& table) {
  return TextColumn(postgres,
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "current_schema() AND table_name = ? ORDER BY ordinal_position",
                    {table});
}

Result<std::vector<SequenceColumn>> ListPostgresSequenceColumns(SqlSession& postgres) {
  // A serial column's sequence depends on it with deptype 'a', an identity column's with 'i'.
  auto rows = postgres.Query(
      "SELECT t.relname::text, a.attname::text FROM pg_depend d "
      "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
      "JOIN pg_class t ON t.oid = d.refobjid "
      "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
      "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
      "AND d.deptype IN ('a', 'i') AND t.relnamespace = to_regnamespace(current_schema()) "
      "ORDER BY 1, 2");
  if (!rows) return Error(rows.error());
  std::vector<SequenceColumn> columns;
  for (const auto& row : *rows) columns.push_back({AsText(row.at(0)), AsText(row.at(1))});
  return columns;
}

}  // namespace liverec::metadata
