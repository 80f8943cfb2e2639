// Renders action results and errors as the Alibaba API does: JSON by default, XML when the
// request says Format=XML. One place maps a Status to the error body.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/api_request.h"
#include "base/status.h"

namespace liverec::api {

enum class ResponseFormat { kJson, kXml };

// `body` gets RequestId added. XML root: <ActionResponse>.
ApiResponse RenderSuccess(std::string_view action, const std::string& request_id,
                          nlohmann::json body, ResponseFormat format);
// {RequestId, HostId, Code, Message, Recommend} with the catalogue's HTTP status; Recommend is
// <error_docs_url>#<Code>, the code's entry in the error catalogue.
ApiResponse RenderError(const Status& status, const std::string& request_id,
                        const std::string& host_id, std::string_view error_docs_url,
                        ResponseFormat format);

// XML for a JSON value under element `root` (arrays repeat the element name).
std::string JsonToXml(std::string_view root, const nlohmann::json& value);

}  // namespace liverec::api
