#include "api/response_writer.h"

namespace liverec::api {
namespace {

constexpr char kJsonType[] = "application/json;charset=utf-8";
constexpr char kXmlType[] = "text/xml;charset=utf-8";

std::string Dump(const nlohmann::json& value) {
  // Replace invalid UTF-8 rather than throw: parameters are echoed back as sent.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
}

void AppendElement(std::string& out, std::string_view name, const nlohmann::json& value) {
  if (value.is_array()) {
    for (const auto& item : value) AppendElement(out, name, item);
    return;
  }
  out += '<';
  out += name;
  out += '>';
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) AppendElement(out, key, child);
  } else if (value.is_string()) {
    AppendEscaped(out, value.get_ref<const std::string&>());
  } else if (!value.is_null()) {
    AppendEscaped(out, Dump(value));
  }
  out += "</";
  out += name;
  out += '>';
}

}  // namespace

std::string JsonToXml(std::string_view root, const nlohmann::json& value) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  AppendElement(out, root, value);
  return out;
}

ApiResponse RenderSuccess(std::string_view action, const std::string& request_id,
                          nlohmann::json body, ResponseFormat format) {
  body["RequestId"] = request_id;
  if (format == ResponseFormat::kXml) {
    return ApiResponse{200, kXmlType, JsonToXml(std::string(action) + "Response", body), "", {}};
  }
  return ApiResponse{200, kJsonType, Dump(body)};
}

ApiResponse RenderError(const Status& status, const std::string& request_id,
                        const std::string& host_id, std::string_view error_docs_url,
                        ResponseFormat format) {
  std::string code = status.PublicCode();
  nlohmann::json body = {{"RequestId", request_id},
                         {"HostId", host_id},
                         {"Code", code},
                         {"Message", status.Message()},
                         {"Recommend", std::string(error_docs_url) + "#" + code}};
  if (format == ResponseFormat::kXml) {
    return ApiResponse{status.HttpStatus(), kXmlType, JsonToXml("Error", body), "", {}};
  }
  return ApiResponse{status.HttpStatus(), kJsonType, Dump(body), "", {}};
}

}  // namespace liverec::api
