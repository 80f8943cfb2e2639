#include "recorder/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <vector>

#include <spdlog/spdlog.h>

#include "storage/local/posix_io.h"

namespace liverec::recorder {
namespace fs = std::filesystem;
namespace {

Status IoError(const std::string& what) {
  return Status(ErrorCode::kStorageFailure, "", what + ": " + std::strerror(errno));
}

Status FsyncPath(const std::string& path, bool directory, SpoolSyncs& syncs) {
  storage::UniqueFd fd(
      ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC));
  if (!fd.Valid()) return IoError("open " + path);
  syncs.Count(directory);
  return ::fsync(fd.Get()) == 0 ? Status::Ok() : IoError("fsync " + path);
}

// Creates `dir` and the directories missing above it, then fsyncs the parent of each one it
// created, so that their names survive a power cut (a closed slice in a folder whose own entry
// is lost would be lost with it). Called only after an open or a rename found `dir` missing:
// the folders that exist cost nothing per slice.
Status MakeDirectories(const fs::path& dir, SpoolSyncs& syncs) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir, ec);
  if (ec)
    return Status(ErrorCode::kStorageFailure, "", "mkdir " + dir.string() + ": " + ec.message());
  for (const fs::path& made : missing) {
    fs::path parent = made.parent_path();
    LIVEREC_RETURN_IF_ERROR(FsyncPath(parent.empty() ? "." : parent.string(), true, syncs));
  }
  return Status::Ok();
}

// open(2) of a file to write in a folder that exists after the first slice of a stream: tried
// first, and the folder made only when the open says it is missing.
storage::UniqueFd OpenForWrite(const std::string& path, SpoolSyncs& syncs, Status& error) {
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
  storage::UniqueFd fd(::open(path.c_str(), kFlags, 0644));
  if (!fd.Valid() && errno == ENOENT) {
    error = MakeDirectories(fs::path(path).parent_path(), syncs);
    if (!error.ok()) return fd;
    fd = storage::UniqueFd(::open(path.c_str(), kFlags, 0644));
  }
  if (!fd.Valid()) error = IoError("open " + path);
  return fd;
}

// One path segment: not empty, no '/' or NUL, not "." or "..".
bool IsPlainName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

}  // namespace

std::string Spool::StreamDir(const std::string& stream_id) const { return root_ + "/" + stream_id; }
std::string Spool::PartPath(const SpoolSlice& s) const {
  return StreamDir(s.plan.stream_id) + "/" + s.id + ".ts.part";
}
std::string Spool::ClosedPath(const SpoolSlice& s) const {
  return StreamDir(s.plan.stream_id) + "/" + s.id + ".ts";
}
std::string Spool::SidecarPath(const SpoolSlice& s) const {
  return StreamDir(s.plan.stream_id) + "/" + s.id + ".json";
}
std::string Spool::CyclePlaylistPath(const std::string& cycle_id) const {
  return root_ + "/cycles/" + cycle_id + ".m3u8";
}

std::string Spool::HeldPath(const std::string& stream_id, const std::string& slice_id) const {
  return HeldRoot() + "/" + stream_id + "/" + slice_id + ".ts";
}
std::string Spool::ComposePath(const std::string& cycle_id, int64_t part,
                               const std::string& ext) const {
  return ComposeRoot() + "/" + cycle_id + "_" + std::to_string(part) + "." + ext;
}

Status Spool::Hold(const SpoolSlice& slice) const {
  std::string held = HeldPath(slice.plan.stream_id, slice.id);
  std::string held_dir = fs::path(held).parent_path().string();
  auto move = [&] { return ::rename(ClosedPath(slice).c_str(), held.c_str()) == 0 ? 0 : errno; };
  std::error_code ec;
  int err = move();
  if (err == ENOENT && fs::exists(ClosedPath(slice), ec)) {  // the stream's first hold
    LIVEREC_RETURN_IF_ERROR(MakeDirectories(held_dir, *syncs_));
    err = move();
  }
  if (err == 0) {
    LIVEREC_RETURN_IF_ERROR(FsyncPath(held_dir, true, *syncs_));
  } else if (err != ENOENT) {
    errno = err;
    return IoError("rename to " + held);
  } else if (!fs::exists(held, ec)) {  // not moved before either
    return Status(ErrorCode::kStorageFailure, "", "slice " + slice.id + " is not in the spool");
  }
  fs::remove(SidecarPath(slice), ec);
  return Status::Ok();
}

Status Spool::WriteFile(const std::string& path, const std::string& content, SpoolSyncs& syncs) {
  std::string tmp = path + ".tmp";
  Status error;
  storage::UniqueFd fd = OpenForWrite(tmp, syncs, error);
  if (!fd.Valid()) return error;
  auto bytes = std::span(reinterpret_cast<const uint8_t*>(content.data()), content.size());
  LIVEREC_RETURN_IF_ERROR(storage::WriteAll(fd.Get(), bytes, tmp));
  // The content before the name: a rename that survives a power cut must not name an empty
  // file (that would replace a closed slice's sidecar with nothing).
  syncs.Count(false);
  if (::fsync(fd.Get()) != 0) return IoError("fsync " + tmp);
  if (fd.Close() != 0) return IoError("close " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return IoError("rename " + tmp);
  return FsyncPath(fs::path(path).parent_path().string(), true, syncs);
}

Status Spool::WriteFileAtomically(const std::string& path, const std::string& content) {
  SpoolSyncs uncounted;
  return WriteFile(path, content, uncounted);
}

Status Spool::WriteSidecar(const SpoolSlice& slice) const {
  return WriteFile(SidecarPath(slice), ToJson(slice).dump(), *syncs_);
}

Status Spool::CloseSlice(SpoolSlice& slice) const {
  LIVEREC_RETURN_IF_ERROR(FsyncPath(PartPath(slice), false, *syncs_));
  if (::rename(PartPath(slice).c_str(), ClosedPath(slice).c_str()) != 0) {
    return IoError("rename " + PartPath(slice));
  }
  slice.closed = true;
  return WriteSidecar(slice);  // its directory fsync makes the rename above durable too
}

void Spool::Remove(const SpoolSlice& slice) const {
  std::error_code ec;
  fs::remove(ClosedPath(slice), ec);
  if (!slice.closed) fs::remove(PartPath(slice), ec);  // a closed slice's .part was renamed
  fs::remove(SidecarPath(slice), ec);
}

std::vector<SpoolSlice> Spool::ScanSidecars() const {
  std::vector<SpoolSlice> slices;
  std::error_code ec;
  if (!fs::exists(root_, ec)) return slices;
  for (auto it = fs::recursive_directory_iterator(root_, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    if (it.depth() == 0 && entry.is_directory() && entry.path().filename() == "failed") {
      it.disable_recursion_pending();  // set aside for good: not recovered
      continue;
    }
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    auto slice = ReadSidecar(entry.path().string());
    if (!slice) {
      spdlog::error("spool: skipping {}: {}", entry.path().string(), slice.error().Message());
      continue;
    }
    slices.push_back(std::move(*slice));
  }
  std::sort(slices.begin(), slices.end(),
            [](const SpoolSlice& a, const SpoolSlice& b) { return a.start_ms < b.start_ms; });
  return slices;
}

Result<SpoolSlice> Spool::ReadSidecar(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ParseSidecar(text);
}

Result<SpoolSlice> Spool::ParseSidecar(std::string_view text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return Error(ErrorCode::kInternalError, "", "not JSON");
  auto slice = SpoolSliceFromJson(json);
  if (!slice) return slice;
  // Recovery renames, truncates and removes the files these names make: a stream's folder
  // directly under the root (not one of the spool's own) and files directly in it, never more.
  if (!IsPlainName(slice->plan.stream_id) || IsReservedDir(slice->plan.stream_id) ||
      !IsPlainName(slice->id)) {
    return Error(ErrorCode::kInternalError, "",
                 "malformed spool sidecar: its stream id and slice id must be plain file names");
  }
  return slice;
}

bool Spool::IsReservedDir(std::string_view name) {
  return name == "cycles" || name == "held" || name == "compose" || name == "orphans" ||
         name == "failed";
}

Result<std::unique_ptr<SpoolFileSink>> Spool::OpenPart(const SpoolSlice& slice) const {
  return SpoolFileSink::Open(PartPath(slice), fail_part_writes_, syncs_.get());
}

Result<std::unique_ptr<SpoolFileSink>> SpoolFileSink::Open(
    const std::string& path, std::shared_ptr<const std::atomic<bool>> fail_writes,
    SpoolSyncs* syncs) {
  SpoolSyncs uncounted;
  Status error;
  storage::UniqueFd fd = OpenForWrite(path, syncs ? *syncs : uncounted, error);
  if (!fd.Valid()) return Error(error);
  FILE* file = ::fdopen(fd.Get(), "wb");
  if (!file) return Error(IoError("open " + path));
  fd.Release();
  // Unbuffered: the writer's AVIO buffer (32 KiB) already batches, one write(2) per Write.
  // (glibc would ignore a size given with a null buffer and buffer 4 KiB.)
  std::setvbuf(file, nullptr, _IONBF, 0);
  return std::unique_ptr<SpoolFileSink>(new SpoolFileSink(file, std::move(fail_writes)));
}

SpoolFileSink::~SpoolFileSink() {
  if (file_) std::fclose(file_);
}

Status SpoolFileSink::Write(std::span<const uint8_t> bytes) {
  if (!file_) return Status(ErrorCode::kStorageFailure, "", "spool file is closed");
  if (fail_writes_ && fail_writes_->load()) {
    errno = ENOSPC;
    return IoError("write spool file");
  }
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return IoError("write spool file");
  }
  bytes_ += static_cast<int64_t>(bytes.size());
  return Status::Ok();
}

Status SpoolFileSink::Close() {
  if (!file_) return Status::Ok();
  bool ok = std::fflush(file_) == 0;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  return ok ? Status::Ok() : IoError("close spool file");
}

}  // namespace liverec::recorder
