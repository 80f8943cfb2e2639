#include "recorder/rule_matcher.h"

namespace liverec::recorder {
namespace {

// 0 = does not match; higher = more specific.
int Rank(const metadata::RecordConfig& c, const std::string& app, const std::string& stream) {
  int app_rank = c.app_name == app ? 2 : c.app_name == "*" ? 1 : 0;
  if (app_rank == 0) return 0;
  int stream_rank = c.stream_name == stream ? 3
                    : c.stream_name == "*"  ? 2
                    : c.stream_name.empty() ? 1
                                            : 0;
  if (stream_rank == 0) return 0;
  return app_rank * 10 + stream_rank;
}

}  // namespace

MatchResult MatchRecordConfig(const std::vector<metadata::RecordConfig>& configs,
                              const std::string& app, const std::string& stream, int64_t now_ms) {
  MatchResult best;
  int best_rank = 0;
  for (const auto& config : configs) {
    int rank = Rank(config, app, stream);
    if (rank > best_rank) {
      best_rank = rank;
      best.config = &config;
    }
  }
  if (best.config && best.config->start_time_ms && best.config->end_time_ms) {
    best.in_window = now_ms >= *best.config->start_time_ms && now_ms < *best.config->end_time_ms;
  }
  return best;
}

}  // namespace liverec::recorder
