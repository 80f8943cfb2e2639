#include "recorder/spool_usage.h"

#include <filesystem>

namespace liverec::recorder {

namespace fs = std::filesystem;

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
    }
  }
  return usage;
}

}  // namespace liverec::recorder
