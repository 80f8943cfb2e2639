// TomlReader: reads typed values out of a parsed config file for LoadConfig, collecting every
// problem (a wrong type) and remembering every key it was asked about, so that the keys nobody
// asked about can be reported afterwards as unknown (unknown_keys.h): a misspelled setting is
// an error, not a silently kept default.
//
// A key's path is written as the problems name it: `relay.max_tasks`, `buckets[0].url`,
// `domains[1].auth.primary_key`.
// Thread-safety: none; one reader per file read.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace liverec::config {

using TomlView = toml::node_view<const toml::node>;

class TomlReader {
 public:
  // Sets `out` from `node` when the file has it; a value of another type is a problem.
  template <typename T>
  void Read(const TomlView& node, T& out, const std::string& path) {
    known_.insert(path);
    if (!node) return;
    if (auto value = node.template value<T>()) {
      out = *value;
    } else {
      problems_.push_back(fmt::format("{}: wrong type", path));
    }
  }

  // An array of strings.
  void ReadStrings(const TomlView& node, std::vector<std::string>& out, const std::string& path) {
    known_.insert(path);
    if (!node) return;
    const auto* array = node.as_array();
    if (!array) {
      problems_.push_back(path + ": must be an array of strings");
      return;
    }
    for (const auto& item : *array) {
      if (auto s = item.value<std::string>()) {
        out.push_back(*s);
      } else {
        problems_.push_back(path + ": must be an array of strings");
      }
    }
  }

  // Notes a key read by other means (an array of tables, a table read only when present).
  void Know(std::string path) { known_.insert(std::move(path)); }

  std::vector<std::string>& problems() { return problems_; }
  const std::set<std::string>& known() const { return known_; }

 private:
  std::vector<std::string> problems_;
  std::set<std::string> known_;
};

}  // namespace liverec::config
