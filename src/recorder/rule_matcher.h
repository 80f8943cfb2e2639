// Which record config applies to a published stream: the most specific one wins,
// (app, stream) > (app, *) > (app, "") > (*, stream) > (*, *) > (*, ""). A config with a time
// window applies only inside it; a stream-level config outside its window still takes the stream
// (a stream is recorded in one mode only), so nothing is recorded then.
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metadata/rows.h"

namespace liverec::recorder {

struct MatchResult {
  const metadata::RecordConfig* config = nullptr;  // the winning rule, if any
  bool in_window = true;  // false: the winner has a window that does not contain now
};

MatchResult MatchRecordConfig(const std::vector<metadata::RecordConfig>& configs,
                              const std::string& app, const std::string& stream, int64_t now_ms);

}  // namespace liverec::recorder
