// ApiService: one signed RPC request in, one response out. Checks the method, merges the
// parameters, authenticates, finds the action, runs it with the caller's account, and renders
// the result or the error. Knows nothing of sockets; the net layer calls Handle.
// Thread-safety: Handle may be called from many threads at once. It blocks on the database:
// call it from a worker pool, not from an I/O thread. Every response is counted in ApiMetrics
// when one is given.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/api_metrics.h"
#include "api/api_request.h"
#include "api/authenticator.h"
#include "api/memory_nonce_store.h"

namespace liverec::api {

struct ApiOptions {
  int64_t timestamp_window_ms = 15 * 60'000;
  size_t nonce_capacity = 1'000'000;  // of the MemoryNonceStore made when deps.nonces is null
  // Every error's Recommend is <error_docs_url>#<Code> ([api] error_docs_url; the server makes
  // it absolute: <public URL>/docs/errors by default).
  std::string error_docs_url = "/docs/errors";
};

class ApiService {
 public:
  // `metrics` (may be null) must outlive the service.
  ApiService(ApiDependencies deps, ApiOptions options, ApiMetrics* metrics = nullptr);

  ApiResponse Handle(const ApiRequest& request);

 private:
  // The response; sets `action_name` (as requested) and `outcome` (what the caller is told).
  ApiResponse Respond(const ApiRequest& request, std::string& action_name, Status& outcome);
  Result<nlohmann::json> Run(const ApiRequest& request, const ParsedRequest& parsed,
                             const std::string& request_id, std::string& action_name);

  ApiDependencies deps_;
  std::unique_ptr<MemoryNonceStore> own_nonces_;  // when deps.nonces is null
  Authenticator authenticator_;
  std::string error_docs_url_;
  ApiMetrics* metrics_;
};

}  // namespace liverec::api
