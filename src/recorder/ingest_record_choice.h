// IngestAsksToRecord: for a record config with OnDemand=2, whether the publisher's ingest URL asks
// for its stream to be recorded, as the cloud's on-demand recording by ingest parameters reads it
// (docs/recording.md "On-demand recording by the ingest URL"): the query parameter
// record_config={"NeedRecord":true} (URL-encoded JSON). Anything else records nothing: the
// parameter absent, NeedRecord false or absent, or a value that is not such JSON (the reason says
// which, for the log). Pure.
#pragma once

#include <map>
#include <string>

namespace liverec::recorder {

struct IngestRecordChoice {
  bool record = false;
  std::string reason;
};

// `args`: the publish query's parameters, decoded.
IngestRecordChoice IngestAsksToRecord(const std::map<std::string, std::string>& args);

}  // namespace liverec::recorder
