// NonceStore: remembers the signature nonces of accepted requests so that a replay is refused
// (docs/api/README.md "Signatures"). The Authenticator calls it once the signature and the
// timestamp checked out, so nobody can use up another caller's nonces.
//
// A nonce is remembered per (AccessKeyId, nonce) for as long as a request carrying it could still
// pass the timestamp check (the window either side of now), by the minute of the request's
// timestamp. Storage is bounded: a store that must drop live nonces first raises a floor, and
// refuses requests stamped before it from then on, so a dropped nonce is never accepted again.
// Implementations: MemoryNonceStore (one node), DatabaseNonceStore (every node of a cluster, in the
// shared database); the composition root (server/) chooses.
// Thread-safety: CheckAndRemember may be called from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace liverec::api {

class NonceStore {
 public:
  virtual ~NonceStore() = default;
  // OK and remembered if the nonce is new; SignatureNonceUsed if it was seen; IllegalTimestamp
  // if `request_ms` is before the floor; another error (ServiceUnavailable) if the store could
  // not tell. `now_ms` lets old minutes expire.
  virtual Status CheckAndRemember(std::string_view access_key_id, std::string_view nonce,
                                  int64_t request_ms, int64_t now_ms) = 0;
};

// The refusal of a request stamped before a store's floor.
Status BeforeNonceFloor();

}  // namespace liverec::api
