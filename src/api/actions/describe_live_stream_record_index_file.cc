// DescribeLiveStreamRecordIndexFile: one index file by RecordId (docs/api/record-index.md).
#include "api/actions/actions.h"
#include "api/record_index_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DescribeLiveStreamRecordIndexFile(ActionContext& context,
                                                         const Params& params) {
  auto stream = FindRecordedStream(context, params);
  if (!stream) return Error(stream.error());
  auto id = params.Required("RecordId");
  if (!id) return Error(id.error());
  auto file = context.deps.index_files->Find(context.caller.account_id, stream->id, *id);
  if (!file) return Error(file.error());
  if (!*file) return Error(ErrorCode::kInvalidRecordIdNotFound);
  return nlohmann::json{{"RecordIndexInfo", IndexFileToJson(context, *stream, **file, true)}};
}

}  // namespace liverec::api::actions
