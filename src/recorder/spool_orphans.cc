#include "recorder/spool_orphans.h"

#include <filesystem>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

namespace liverec::recorder {
namespace fs = std::filesystem;
namespace {

void SweepStreamDir(const Spool& spool, const fs::path& dir, OrphanSweep& out) {
  std::error_code ec;
  std::vector<fs::path> temps, parts;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".json.tmp")) temps.push_back(entry.path());
    if (name.ends_with(".ts.part")) parts.push_back(entry.path());
  }
  for (const fs::path& temp : temps) {
    std::string name = temp.filename().string();
    fs::path sidecar = dir / name.substr(0, name.size() - 4);  // "<id>.json"
    if (Spool::ReadSidecar(temp.string())) {  // the newest state: written whole, not renamed yet
      fs::rename(temp, sidecar, ec);
      if (!ec) {
        out.sidecars_restored++;
        spdlog::info("recovery: sidecar {} restored from its temporary file", sidecar.string());
        continue;
      }
    }
    fs::remove(temp, ec);
    out.temp_files_removed++;
  }
  for (const fs::path& part : parts) {
    std::string name = part.filename().string();
    fs::path sidecar = dir / (name.substr(0, name.size() - 8) + ".json");  // "<id>.ts.part"
    if (fs::exists(sidecar, ec)) continue;
    uintmax_t size = fs::file_size(part, ec);
    if (!ec && size == 0) {
      fs::remove(part, ec);
      out.empty_parts_removed++;
      continue;
    }
    fs::path target = fs::path(spool.root()) / "orphans" / dir.filename() / name;
    fs::create_directories(target.parent_path(), ec);
    fs::rename(part, target, ec);
    if (ec) {
      spdlog::error("recovery: {} has no sidecar and could not be moved aside: {}", part.string(),
                    ec.message());
      continue;
    }
    out.parts_moved++;
    spdlog::error(
        "recovery: {} ({} bytes) has no sidecar: it cannot be attributed to a "
        "recording; kept as {}",
        part.string(), size, target.string());
  }
}

}  // namespace

OrphanSweep SweepSpoolOrphans(const Spool& spool) {
  OrphanSweep out;
  std::error_code ec;
  if (!fs::exists(spool.root(), ec)) return out;
  for (const auto& entry : fs::directory_iterator(spool.root(), ec)) {
    if (!entry.is_directory() || Spool::IsReservedDir(entry.path().filename().string())) continue;
    SweepStreamDir(spool, entry.path(), out);
  }
  return out;
}

}  // namespace liverec::recorder
