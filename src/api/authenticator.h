// Authenticator: who sent this request? Verifies signature V1 (HMAC-SHA1) or V3
// (ACS3-HMAC-SHA256), the time stamp window and nonce reuse, in the order documented in
// docs/api/README.md, and answers with the caller's account.
// Thread-safety: Authenticate may be called from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/api_request.h"
#include "api/nonce_store.h"
#include "api/request_parser.h"
#include "base/clock.h"
#include "metadata/rows.h"

namespace liverec::api {

struct Caller {
  std::string account_id;
  std::string access_key_id;
};

using AccessKeyLookup =
    std::function<Result<std::optional<metadata::AccessKeyRow>>(const std::string& id)>;

class Authenticator {
 public:
  Authenticator(AccessKeyLookup lookup, const Clock& clock, NonceStore& nonces, int64_t window_ms)
      : lookup_(std::move(lookup)), clock_(clock), nonces_(nonces), window_ms_(window_ms) {}

  Result<Caller> Authenticate(const ApiRequest& request, const ParsedRequest& parsed) const;

 private:
  Result<Caller> AuthenticateV1(const ApiRequest& request, const ParsedRequest& parsed) const;
  Result<Caller> AuthenticateV3(const ApiRequest& request, const ParsedRequest& parsed) const;
  Result<metadata::AccessKeyRow> FindKey(const std::string& access_key_id) const;
  Status CheckFreshness(const std::string& access_key_id, const std::string& timestamp,
                        const std::string& nonce, const char* nonce_name) const;

  AccessKeyLookup lookup_;
  const Clock& clock_;
  NonceStore& nonces_;
  int64_t window_ms_;
};

}  // namespace liverec::api
