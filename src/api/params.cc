#include "api/params.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

namespace liverec::api {

std::optional<std::string> Params::Get(std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Result<std::string> Params::Required(std::string_view name) const {
  auto value = Get(name);
  if (!value || value->empty()) return Error(ErrorCode::kMissingArgument, std::string(name));
  return *value;
}

Result<std::optional<int64_t>> Params::OptionalInt(std::string_view name, int64_t min, int64_t max,
                                                   ErrorCode malformed) const {
  auto value = Get(name);
  if (!value || value->empty()) return std::optional<int64_t>();
  int64_t number = 0;
  const char* begin = value->data();
  const char* end = begin + value->size();
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || ptr != end || number < min || number > max) {
    return Error(malformed, "",
                 fmt::format("{} must be an integer from {} to {}.", name, min, max));
  }
  return std::optional<int64_t>(number);
}

std::vector<int> Params::ListIndices(std::string_view prefix) const {
  std::set<int> indices;
  std::string start = std::string(prefix) + ".";
  for (auto it = values_.lower_bound(start); it != values_.end(); ++it) {
    const std::string& name = it->first;
    if (!name.starts_with(start)) break;
    std::string_view rest = std::string_view(name).substr(start.size());
    auto dot = rest.find('.');
    auto digits = rest.substr(0, dot);
    int index = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (ec == std::errc() && ptr == digits.data() + digits.size() && index >= 1 && index <= 1000) {
      indices.insert(index);
    }
  }
  return {indices.begin(), indices.end()};
}

Result<std::string> Params::OptionalChoice(std::string_view name,
                                           std::initializer_list<std::string_view> allowed,
                                           std::string fallback) const {
  std::string value = Get(name).value_or("");
  if (value.empty()) return fallback;
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    return Error(ErrorCode::kInvalidParameter, std::string(name));
  }
  return value;
}

}  // namespace liverec::api
