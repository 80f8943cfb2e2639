// Unknown keys and sections of a config file: every key of the file that LoadConfig did not ask
// about (TomlReader::known) is a problem, with the closest known name at the same place when
// one is close enough to be a misspelling:
//   relay.allow_privat_addresses: unknown key; did you mean `allow_private_addresses`?
//   [htpp]: unknown section; did you mean `http`?
// Pure functions; thread-safe.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace liverec::config {

// Appends one problem per unknown key or section of `root` (a section once, not each of its
// keys). `known` holds the paths as TomlReader writes them; a path is a known section when a
// known path lies below it.
void ReportUnknownKeys(const toml::table& root, const std::set<std::string>& known,
                       std::vector<std::string>& problems);

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions
// of adjacent characters, each costing 1.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` when it is close enough to be a misspelling of it (at most
// 2 edits, or a third of the name's length for long names; '-' and '_' and letter case count
// as equal), or "" when none is.
std::string ClosestName(std::string_view name, const std::set<std::string>& candidates);

}  // namespace liverec::config
