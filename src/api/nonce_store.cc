#include "api/nonce_store.h"

namespace liverec::api {

Status BeforeNonceFloor() {
  return Status(ErrorCode::kIllegalTimestamp, "",
                "The server is under load; send requests with a current Timestamp.");
}

}  // namespace liverec::api
