#include "api/api_service.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include <spdlog/spdlog.h>

#include "api/action_table.h"
#include "api/response_writer.h"
#include "base/ids.h"

namespace liverec::api {
namespace {

constexpr std::string_view kApiVersion = "2016-11-01";

std::string ParamOrHeader(const ApiRequest& request, const ParsedRequest& parsed,
                          const std::string& param, const std::string& header) {
  if (auto it = parsed.params.find(param); it != parsed.params.end() && !it->second.empty()) {
    return it->second;
  }
  return Header(request, header);
}

ResponseFormat FormatOf(const ParsedRequest& parsed) {
  auto it = parsed.params.find("Format");
  if (it == parsed.params.end()) return ResponseFormat::kJson;
  std::string value = it->second;
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return value == "XML" ? ResponseFormat::kXml : ResponseFormat::kJson;
}

}  // namespace

ApiService::ApiService(ApiDependencies deps, ApiOptions options, ApiMetrics* metrics)
    : deps_(deps),
      own_nonces_(deps.nonces ? nullptr
                              : std::make_unique<MemoryNonceStore>(options.nonce_capacity,
                                                                   options.timestamp_window_ms)),
      authenticator_([this](const std::string& id) { return deps_.tenants.FindAccessKey(id); },
                     deps.clock, deps.nonces ? *deps.nonces : *own_nonces_,
                     options.timestamp_window_ms),
      error_docs_url_(std::move(options.error_docs_url)),
      metrics_(metrics) {}

Result<nlohmann::json> ApiService::Run(const ApiRequest& request, const ParsedRequest& parsed,
                                       const std::string& request_id, std::string& action_name) {
  if (request.method != "GET" && request.method != "POST") {
    return Error(ErrorCode::kUnsupportedHttpMethod);
  }
  action_name = ParamOrHeader(request, parsed, "Action", "x-acs-action");
  std::string version = ParamOrHeader(request, parsed, "Version", "x-acs-version");
  auto caller = authenticator_.Authenticate(request, parsed);
  if (!caller) return Error(caller.error());
  if (action_name.empty()) return Error(ErrorCode::kMissingParameter, "Action");
  if (version.empty()) return Error(ErrorCode::kMissingParameter, "Version");
  if (version != kApiVersion) {
    return Error(ErrorCode::kInvalidParameter, "Version", "Only 2016-11-01 is served.");
  }
  const ActionEntry* action = FindAction(action_name);
  if (!action) return Error(ErrorCode::kInvalidActionNotFound);

  ActionContext context{deps_, *caller, deps_.clock.NowMs(), request_id};
  return action->run(context, Params(parsed.params));
}

ApiResponse ApiService::Handle(const ApiRequest& request) {
  auto started = std::chrono::steady_clock::now();
  std::string action_name;
  Status outcome;
  ApiResponse response = Respond(request, action_name, outcome);
  if (metrics_) {
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics_->Observe(action_name, outcome, took.count());
  }
  return response;
}

ApiResponse ApiService::Respond(const ApiRequest& request, std::string& action_name,
                                Status& outcome) {
  std::string request_id = NewRequestId(deps_.random);
  ParsedRequest parsed = ParseRequest(request);
  ResponseFormat format = FormatOf(parsed);
  Result<nlohmann::json> result = Error(ErrorCode::kInternalError);
  try {
    result = Run(request, parsed, request_id, action_name);
  } catch (const std::exception& e) {
    spdlog::error("api: request {} ({}) failed with an exception: {}", request_id, action_name,
                  e.what());
    result = Error(ErrorCode::kInternalError);
  }
  if (result) return RenderSuccess(action_name, request_id, std::move(*result), format);

  const Status& status = result.error();
  if (status.HttpStatus() >= 500) {
    spdlog::error("api: {} {} -> {}", request_id, action_name, status.ToString());
  } else {
    spdlog::debug("api: {} {} -> {}", request_id, action_name, status.ToString());
  }
  std::string host = Header(request, "host");
  // Server-side details (SQL, paths) stay in the log; the caller gets the catalogue text.
  Status shown = status.HttpStatus() >= 500 ? Status(status.code()) : status;
  outcome = shown;
  return RenderError(shown, request_id, host.empty() ? "liverec" : host, error_docs_url_, format);
}

}  // namespace liverec::api
