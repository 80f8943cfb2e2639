// Parameter handling shared by the recorded-content and index-file actions
// (docs/api/record-index.md): the stream, the time range, URLs and the JSON of an index file.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/params.h"

namespace liverec::api {

// DomainName/AppName/StreamName (required), the domain usable by the caller, and the stream
// having published (InvalidStream.NotFound otherwise).
Result<metadata::StreamRow> FindRecordedStream(ActionContext& context, const Params& params);

struct TimeRange {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
};

// StartTime/EndTime (required): well-formed, End after Start, at most 4 days, StartTime not
// older than `retention_ms` (the slice retention, or the index files' for their listing).
Result<TimeRange> ParseRecordRange(ActionContext& context, const Params& params,
                                   int64_t retention_ms);

// Where an object is read: <public_url>/<bucket>/<key> for buckets liverec serves (local), the
// bucket's own base URL + /<key> for the others (S3); each key segment percent-encoded.
std::string ObjectUrl(const ActionContext& context, const std::string& endpoint,
                      const std::string& bucket, const std::string& key);

// The RecordInfo / RecordIndexInfo object.
nlohmann::json IndexFileToJson(const ActionContext& context, const metadata::StreamRow& stream,
                               const metadata::IndexFileRow& file, bool with_format);

// Index-file actions need the recording repositories; InternalError if the server lacks them.
Status RequireIndexDependencies(const ActionContext& context);

}  // namespace liverec::api
