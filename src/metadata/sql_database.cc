#include "metadata/sql_database.h"

namespace liverec::metadata {

int64_t AsInt(const SqlValue& value, int64_t fallback) {
  if (const auto* i = std::get_if<int64_t>(&value)) return *i;
  if (const auto* s = std::get_if<std::string>(&value)) {
    try {
      return std::stoll(*s);
    } catch (...) {
      return fallback;
    }
  }
  return fallback;
}

std::string AsText(const SqlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  return {};
}

std::string ContainsPattern(const std::string& part) {
  std::string pattern = "%";
  for (char c : part) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

std::optional<int64_t> AsOptionalInt(const SqlValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  return AsInt(value);
}

namespace {

class VectorRowView final : public SqlRowView {
 public:
  explicit VectorRowView(const SqlRow& row) : row_(row) {}
  bool IsNull(int column) const override {
    return std::holds_alternative<std::monostate>(row_.at(static_cast<size_t>(column)));
  }
  int64_t Int(int column) const override { return AsInt(row_.at(static_cast<size_t>(column))); }
  std::string_view Text(int column) const override {
    const auto* text = std::get_if<std::string>(&row_.at(static_cast<size_t>(column)));
    return text ? std::string_view(*text) : std::string_view();
  }

 private:
  const SqlRow& row_;
};

}  // namespace

Status SqlSession::QueryEach(std::string_view sql, const std::vector<SqlValue>& args,
                             const SqlRowCallback& on_row) {
  auto rows = Query(sql, args);
  if (!rows) return rows.error();
  for (const auto& row : *rows) LIVEREC_RETURN_IF_ERROR(on_row(VectorRowView(row)));
  return Status::Ok();
}

SqlValue OptionalInt(const std::optional<int64_t>& value) {
  if (!value) return std::monostate{};
  return *value;
}

}  // namespace liverec::metadata
