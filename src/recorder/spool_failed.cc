// Spool, slices set aside for good: a slice its bucket refused with an error that repeating cannot
// change (storage::IsPermanentStorageError) leaves the stream's directory for
// <spool>/failed/<stream_id>/, with its sidecar and the reason, so that it is neither lost nor
// retried at every start. Moving the .ts and .json back to <spool>/<stream_id>/ makes the next
// start store it (docs/operations.md).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "recorder/spool.h"

namespace liverec::recorder {
namespace fs = std::filesystem;
namespace {

Status WriteReason(const std::string& path, const std::string& reason) {
  std::ofstream out(path, std::ios::trunc);
  out << reason << "\n";
  if (!out.flush()) return Status(ErrorCode::kStorageFailure, "", "write " + path);
  return Status::Ok();
}

}  // namespace

Status Spool::SetAside(const SpoolSlice& slice, const std::string& reason) const {
  std::string dir = FailedRoot() + "/" + slice.plan.stream_id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kStorageFailure, "", "mkdir " + dir + ": " + ec.message());
  std::string media = fs::exists(ClosedPath(slice), ec) ? ClosedPath(slice) : PartPath(slice);
  if (fs::exists(media, ec)) {
    fs::rename(media, dir + "/" + slice.id + ".ts", ec);
    if (ec) return Status(ErrorCode::kStorageFailure, "", "move " + media + ": " + ec.message());
  }
  LIVEREC_RETURN_IF_ERROR(
      WriteFileAtomically(dir + "/" + slice.id + ".json", ToJson(slice).dump()));
  LIVEREC_RETURN_IF_ERROR(WriteReason(dir + "/" + slice.id + ".reason.txt", reason));
  fs::remove(SidecarPath(slice), ec);
  return Status::Ok();
}

Status Spool::SetAsideHeld(const std::string& stream_id, const std::string& slice_id,
                           const std::string& reason) const {
  std::string dir = FailedRoot() + "/" + stream_id;
  std::string target = dir + "/" + slice_id + ".ts";
  std::string held = HeldPath(stream_id, slice_id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kStorageFailure, "", "mkdir " + dir + ": " + ec.message());
  if (!fs::exists(target, ec) && ::link(held.c_str(), target.c_str()) != 0) {
    fs::copy_file(held, target, ec);  // another file system, or links not allowed
    if (ec) return Status(ErrorCode::kStorageFailure, "", "copy " + held + ": " + ec.message());
  }
  return WriteReason(dir + "/" + slice_id + ".reason.txt", reason);
}

}  // namespace liverec::recorder
