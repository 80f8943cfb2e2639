#include "config/unknown_keys.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace liverec::config {
namespace {

using Known = std::set<std::string>;

bool HasPathBelow(const Known& known, const std::string& path) {
  for (const std::string& below : {path + ".", path + "["}) {
    auto it = known.lower_bound(below);
    if (it != known.end() && it->starts_with(below)) return true;
  }
  return false;
}

// The names known directly under `parent` ("" = the top level): the next path segment of each
// known path below it.
Known NamesUnder(const Known& known, const std::string& parent) {
  std::string prefix = parent.empty() ? "" : parent + ".";
  Known names;
  for (auto it = known.lower_bound(prefix); it != known.end() && it->starts_with(prefix); ++it) {
    std::string rest = it->substr(prefix.size());
    names.insert(rest.substr(0, rest.find_first_of(".[")));
  }
  return names;
}

bool IsSection(const toml::node& node) {
  if (node.is_table()) return true;
  const auto* array = node.as_array();
  return array && !array->empty() && array->is_array_of_tables();
}

void Walk(const toml::table& table, const std::string& parent, const Known& known,
          std::vector<std::string>& problems);

void Descend(const toml::node& node, const std::string& path, const Known& known,
             std::vector<std::string>& problems) {
  if (const auto* table = node.as_table()) return Walk(*table, path, known, problems);
  const auto* array = node.as_array();
  if (!array) return;
  for (size_t i = 0; i < array->size(); ++i) {
    if (const auto* element = (*array)[i].as_table()) {
      Walk(*element, fmt::format("{}[{}]", path, i), known, problems);
    }
  }
}

void Report(const toml::node& node, const std::string& parent, const std::string& key,
            const Known& known, std::vector<std::string>& problems) {
  std::string path = parent.empty() ? key : parent + "." + key;
  std::string problem = IsSection(node) ? fmt::format("[{}]: unknown section", path)
                                        : fmt::format("{}: unknown key", path);
  std::string closest = ClosestName(key, NamesUnder(known, parent));
  if (!closest.empty()) problem += fmt::format("; did you mean `{}`?", closest);
  problems.push_back(std::move(problem));
}

void Walk(const toml::table& table, const std::string& parent, const Known& known,
          std::vector<std::string>& problems) {
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    std::string path = parent.empty() ? name : parent + "." + name;
    if (HasPathBelow(known, path)) {
      Descend(node, path, known, problems);
    } else if (!known.contains(path)) {
      Report(node, parent, name, known, problems);
    }
  }
}

std::string Normalized(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  // d[i][j]: distance between the first i characters of a and the first j of b.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string ClosestName(std::string_view name, const std::set<std::string>& candidates) {
  std::string wanted = Normalized(name);
  size_t limit = std::max<size_t>(2, wanted.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    size_t distance = EditDistance(wanted, Normalized(candidate));
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

void ReportUnknownKeys(const toml::table& root, const std::set<std::string>& known,
                       std::vector<std::string>& problems) {
  Walk(root, "", known, problems);
}

}  // namespace liverec::config
