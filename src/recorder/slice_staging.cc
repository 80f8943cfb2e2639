#include "recorder/slice_staging.h"

#include <fstream>

#include <spdlog/spdlog.h>

namespace liverec::recorder {

std::string StagedSliceKey(const std::string& stream_id, const std::string& slice_id) {
  return ".liverec/staging/" + stream_id + "/" + slice_id + ".ts";
}

Status StageSlice(storage::ObjectStore& store, const std::string& stream_id,
                  const std::string& slice_id, const std::string& path) {
  Status stored = store.PutFile(StagedSliceKey(stream_id, slice_id), path);
  if (stored.code() == ErrorCode::kObjectAlreadyExists) return Status::Ok();
  return stored;
}

Status FetchStagedSlice(storage::ObjectStore& store, const std::string& stream_id,
                        const std::string& slice_id, const std::string& into_path) {
  auto bytes = store.Get(StagedSliceKey(stream_id, slice_id));
  if (!bytes) return bytes.error();
  std::ofstream out(into_path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) {
    return Status(ErrorCode::kStorageFailure, "", "cannot write the fetched slice " + into_path);
  }
  return Status::Ok();
}

void DeleteStagedSlice(storage::ObjectStore& store, const std::string& stream_id,
                       const std::string& slice_id) {
  std::string key = StagedSliceKey(stream_id, slice_id);
  Status deleted = store.Delete(key);
  if (!deleted.ok() && deleted.code() != ErrorCode::kObjectNotFound) {
    spdlog::warn("recorder: staged slice {} not deleted (left behind): {}", key,
                 deleted.ToString());
  }
}

}  // namespace liverec::recorder
