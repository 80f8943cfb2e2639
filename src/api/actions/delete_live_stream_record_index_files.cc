// DeleteLiveStreamRecordIndexFiles: forgets index files, and with RemoveFile=true deletes their
// playlist objects too (never the slices, which other playlists may use). Each id's Message is
// the cloud's: OK, FileNotFound (no such index file of this stream), or AccessDenied (its object
// could not be removed; the record is kept so that the call can be repeated).
#include <algorithm>

#include <spdlog/spdlog.h>

#include "api/actions/actions.h"
#include "api/record_index_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DeleteLiveStreamRecordIndexFiles(ActionContext& context,
                                                        const Params& params) {
  auto stream = FindRecordedStream(context, params);
  if (!stream) return Error(stream.error());
  std::vector<std::string> ids;
  for (int index : params.ListIndices("RecordId")) {
    auto id = params.Get("RecordId." + std::to_string(index)).value_or("");
    if (!id.empty()) ids.push_back(id);
  }
  if (ids.empty()) return Error(ErrorCode::kMissingArgument, "RecordId");
  auto remove = params.Required("RemoveFile");
  if (!remove) return Error(remove.error());
  std::string flag = *remove;
  std::transform(flag.begin(), flag.end(), flag.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (flag != "true" && flag != "false") return Error(ErrorCode::kInvalidRemoveFileMalformed);

  nlohmann::json results = nlohmann::json::array();
  for (const auto& id : ids) {
    auto file = context.deps.index_files->Find(context.caller.account_id, stream->id, id);
    if (!file) return Error(file.error());
    if (!*file) {
      results.push_back({{"RecordId", id}, {"Message", "FileNotFound"}});
      continue;
    }
    std::string message = "OK";
    if (flag == "true") {
      storage::ObjectStore* store = context.deps.stores((*file)->endpoint, (*file)->bucket);
      Status removed =
          store ? store->Delete((*file)->object_key) : Status(ErrorCode::kInvalidOssBucketNotFound);
      if (!removed.ok() && removed.code() != ErrorCode::kObjectNotFound) {
        spdlog::warn("api: index file {}: object not removed: {}", id, removed.ToString());
        results.push_back({{"RecordId", id}, {"Message", "AccessDenied"}});
        continue;  // keep the record so the caller can retry
      }
    }
    auto deleted = context.deps.index_files->Delete(context.caller.account_id, stream->id, id);
    if (!deleted) return Error(deleted.error());
    results.push_back({{"RecordId", id}, {"Message", message}});
  }
  return nlohmann::json{
      {"Code", "OK"}, {"Message", "OK"}, {"RecordDeleteInfoList", {{"RecordDeleteInfo", results}}}};
}

}  // namespace liverec::api::actions
