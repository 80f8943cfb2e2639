// Parameter handling shared by the recorded-content and index-file actions
// (docs/api/record-index.md): the stream, the time range, URLs and the JSON of an index file.
#pragma once

#include <string>
#include <string_view>

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

// What a StartTime/EndTime range may be: at most `max_span_days` long, StartTime not older than
// `retention_ms` before now (`kept` names what is kept that long, for the error).
struct TimeRangeRules {
  int64_t max_span_days = 4;
  int64_t retention_ms = 0;
  std::string_view kept;
  // EndTime names a whole second that counts (DescribeLiveStreamSnapshotInfo): End may equal
  // Start, a one-second range. Else End must be after Start.
  bool end_second_inclusive = false;
};

// StartTime/EndTime (required): well-formed (InvalidStartTime/EndTime.Malformed), End after
// Start and within the span (InvalidEndTime.Mismatch), Start within the retention
// (InvalidStartTime.Mismatch).
Result<TimeRange> ParseTimeRange(const ActionContext& context, const Params& params,
                                 const TimeRangeRules& rules);
// The recorded-content actions' rules: 4 days, the slice retention.
TimeRangeRules SliceRangeRules(const ActionContext& context);

// Where an object is read: <public_url>/<bucket>/<key> for buckets liverec serves (local), the
// bucket's own base URL + /<key> for the others (S3); each key segment percent-encoded.
std::string ObjectUrl(const ActionContext& context, const std::string& endpoint,
                      const std::string& bucket, const std::string& key);

// The URL handed out for an object (RecordUrl): IndexOptions::record_url (signed for private
// buckets), or ObjectUrl when there is none.
std::string RecordUrl(const ActionContext& context, const std::string& endpoint,
                      const std::string& bucket, const std::string& key);

// The RecordInfo / RecordIndexInfo object.
nlohmann::json IndexFileToJson(const ActionContext& context, const metadata::StreamRow& stream,
                               const metadata::IndexFileRow& file, bool with_format);

// Index-file actions need the recording repositories; InternalError if the server lacks them.
Status RequireIndexDependencies(const ActionContext& context);

}  // namespace liverec::api
