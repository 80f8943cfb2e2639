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

std::optional<int64_t> AsOptionalInt(const SqlValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  return AsInt(value);
}

SqlValue OptionalInt(const std::optional<int64_t>& value) {
  if (!value) return std::monostate{};
  return *value;
}

}  // namespace liverec::metadata
