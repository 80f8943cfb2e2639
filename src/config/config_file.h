// The TOML config file (docs/configuration.md): its keys read into a Config, with every problem
// reported — a syntax error (with its line), a value of the wrong type, and a key or section
// liverec does not know (with the closest known name, unknown_keys.h). Used by LoadConfig.
// Pure functions of the file; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace liverec::config {

// Reads the file at `path` over the values `config` already holds.
void ReadConfigFile(const std::string& path, Config& config, std::vector<std::string>& problems);

// The same for the text of a config file; `name` stands for the file in problems.
void ReadConfigText(std::string_view text, const std::string& name, Config& config,
                    std::vector<std::string>& problems);

}  // namespace liverec::config
