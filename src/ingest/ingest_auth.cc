#include "ingest/ingest_auth.h"

#include "base/type_a_token.h"

namespace liverec::ingest {
namespace {

Status Refused(std::string reason) {
  return Status(ErrorCode::kProtocolError, "", "auth_key refused: " + std::move(reason));
}

}  // namespace

std::string MakeAuthKey(std::string_view uri, int64_t timestamp_s, std::string_view rand,
                        std::string_view uid, std::string_view private_key) {
  return MakeTypeAToken(uri, timestamp_s, rand, uid, private_key);
}

Status VerifyAuthKey(const config::IngestAuthConfig& auth, std::string_view uri,
                     std::string_view auth_key, int64_t now_s) {
  if (auth_key.empty()) return Refused("missing");
  auto token = ParseTypeAToken(auth_key);
  if (!token) return Refused("malformed");
  if (now_s - auth.validity_s > token->timestamp) return Refused("expired");  // no overflow
  for (const std::string* key : {&auth.primary_key, &auth.secondary_key}) {
    if (TypeATokenSigns(*token, auth_key, uri, *key)) return Status::Ok();
  }
  return Refused("wrong signature");
}

}  // namespace liverec::ingest
