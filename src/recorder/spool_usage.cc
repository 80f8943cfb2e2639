#include "recorder/spool_usage.h"

#include <chrono>
#include <filesystem>

namespace liverec::recorder {

namespace fs = std::filesystem;

namespace {

int64_t UnixMs(fs::file_time_type time) {
  auto system = std::chrono::file_clock::to_sys(time);
  return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
}

}  // namespace

SpoolUsage MeasureSpoolUsage(const Spool& spool, int64_t max_entries) {
  SpoolUsage usage;
  const fs::path root(spool.root());
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  int64_t entries = 0;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++entries > max_entries) {
      usage.complete = false;
      break;
    }
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    auto size = static_cast<int64_t>(it->file_size(file_ec));
    if (file_ec) continue;  // gone meanwhile
    usage.total_bytes += size;
    // <root>/<stream_id>/<slice_id>.ts (held slices are a level deeper, under held/).
    const fs::path& path = it->path();
    const fs::path dir = path.parent_path().filename();
    if (it.depth() == 1 && path.extension() == ".ts" && !Spool::IsReservedDir(dir.string())) {
      ++usage.backlog_slices;
      usage.backlog_bytes += size;
      auto written = it->last_write_time(file_ec);
      if (file_ec) continue;
      int64_t written_ms = UnixMs(written);
      if (!usage.oldest_backlog_ms || written_ms < *usage.oldest_backlog_ms) {
        usage.oldest_backlog_ms = written_ms;
      }
    }
  }
  return usage;
}

}  // namespace liverec::recorder
