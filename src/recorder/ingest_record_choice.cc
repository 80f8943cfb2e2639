#include "recorder/ingest_record_choice.h"

#include <nlohmann/json.hpp>

namespace liverec::recorder {

IngestRecordChoice IngestAsksToRecord(const std::map<std::string, std::string>& args) {
  auto it = args.find("record_config");
  if (it == args.end()) {
    return {false, "the ingest URL has no record_config parameter"};
  }
  nlohmann::json value = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) {
    return {false,
            "record_config is not a JSON object (use record_config={\"NeedRecord\":true}, "
            "URL-encoded)"};
  }
  auto need = value.find("NeedRecord");
  if (need == value.end()) return {false, "record_config has no NeedRecord"};
  // A boolean, as the cloud documents; the strings "true"/"false" are taken too.
  bool yes = need->is_boolean() ? need->get<bool>()
                                : need->is_string() && need->get<std::string>() == "true";
  bool no = need->is_boolean() ? !need->get<bool>()
                               : need->is_string() && need->get<std::string>() == "false";
  if (yes) return {true, "the ingest URL asks for it (record_config NeedRecord true)"};
  if (no) return {false, "the ingest URL says NeedRecord false"};
  return {false, "record_config NeedRecord is neither true nor false"};
}

}  // namespace liverec::recorder
