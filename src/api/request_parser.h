// Splits an ApiRequest into path, query parameters and merged parameters (query + form body).
// Pure; thread-safe.
#pragma once

#include <string>

#include "api/api_request.h"
#include "api/signature_v1.h"

namespace liverec::api {

struct ParsedRequest {
  std::string path;
  ParamMap query;   // from the query string only (V3 signs these)
  ParamMap params;  // query and form body merged; the body wins on a clash
};

ParsedRequest ParseRequest(const ApiRequest& request);

// The header value, or "" (names are lower-case).
std::string Header(const ApiRequest& request, const std::string& name);

}  // namespace liverec::api
