#include "recorder/on_demand_reply.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace liverec::recorder {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

tl::unexpected<Status> Malformed(const std::string& why) {
  return Error(ErrorCode::kInvalidParameter, "", "on-demand reply: " + why);
}

Status ReadInterval(const nlohmann::json& node, OnDemandReply& reply) {
  if (!node.is_object())
    return Status(ErrorCode::kInvalidParameter, "", "on-demand reply: Interval is not an object");
  for (const auto& [key, value] : node.items()) {
    if (!value.is_number()) {
      return Status(ErrorCode::kInvalidParameter, "",
                    "on-demand reply: Interval." + key + " is not a number");
    }
    double seconds = std::round(value.get<double>());
    seconds = std::clamp(seconds, double{kMinOnDemandIntervalS}, double{kMaxOnDemandIntervalS});
    reply.interval_s[Lower(key)] = static_cast<int>(seconds);
  }
  return Status::Ok();
}

}  // namespace

Result<OnDemandReply> ParseOnDemandReply(std::string_view body) {
  if (body.size() > kMaxOnDemandReplyBytes) {
    return Malformed("longer than " + std::to_string(kMaxOnDemandReplyBytes) + " bytes");
  }
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Malformed("not a JSON object");
  OnDemandReply reply;
  auto need = json.find("NeedRecord");
  if (need == json.end()) return Malformed("NeedRecord is missing");
  if (!need->is_boolean()) return Malformed("NeedRecord is not a boolean");
  reply.need_record = need->get<bool>();
  if (auto interval = json.find("Interval"); interval != json.end() && !interval->is_null()) {
    Status read = ReadInterval(*interval, reply);
    if (!read.ok()) return Error(read);
  }
  if (auto format = json.find("Format"); format != json.end() && !format->is_null()) {
    if (!format->is_array()) return Malformed("Format is not an array");
    std::vector<std::string> formats;
    for (const auto& item : *format) {
      if (!item.is_string()) return Malformed("Format holds a non-string");
      formats.push_back(Lower(item.get<std::string>()));
    }
    reply.formats = std::move(formats);
  }
  return reply;
}

std::vector<metadata::RecordFormat> ApplyOnDemandReply(
    const std::vector<metadata::RecordFormat>& configured, const OnDemandReply& reply) {
  std::vector<metadata::RecordFormat> kept;
  for (const auto& format : configured) {
    std::string name = Lower(format.format);
    if (reply.formats &&
        std::find(reply.formats->begin(), reply.formats->end(), name) == reply.formats->end()) {
      continue;
    }
    metadata::RecordFormat f = format;
    if (auto it = reply.interval_s.find(name); it != reply.interval_s.end()) {
      f.cycle_duration_s = it->second;
    }
    kept.push_back(std::move(f));
  }
  return kept;
}

}  // namespace liverec::recorder
