#include "api/authenticator.h"

#include <cstdlib>

#include "api/signature_v3.h"
#include "base/crypto.h"
#include "base/time_format.h"

namespace liverec::api {
namespace {

std::string Param(const ParsedRequest& parsed, const std::string& name) {
  auto it = parsed.params.find(name);
  return it == parsed.params.end() ? std::string() : it->second;
}

}  // namespace

Result<Caller> Authenticator::Authenticate(const ApiRequest& request,
                                           const ParsedRequest& parsed) const {
  if (Header(request, "authorization").starts_with("ACS3-")) {
    return AuthenticateV3(request, parsed);
  }
  return AuthenticateV1(request, parsed);
}

Result<metadata::AccessKeyRow> Authenticator::FindKey(const std::string& access_key_id) const {
  auto key = lookup_(access_key_id);
  if (!key) return Error(key.error());
  if (!*key) return Error(ErrorCode::kAccessKeyNotFound);
  if (!(*key)->enabled) return Error(ErrorCode::kAccessKeyInactive);
  return **key;
}

Status Authenticator::CheckFreshness(const std::string& access_key_id, const std::string& timestamp,
                                     const std::string& nonce, const char* nonce_name) const {
  auto when = ParseIsoUtc(timestamp);
  int64_t now = clock_.NowMs();
  if (!when || std::llabs(*when - now) > window_ms_) {
    return Status(ErrorCode::kIllegalTimestamp, "",
                  when ? "It is more than the allowed window away from the server time."
                       : "Expected yyyy-MM-ddTHH:mm:ssZ.");
  }
  if (nonce.empty()) return Status(ErrorCode::kMissingParameter, nonce_name);
  return nonces_.CheckAndRemember(access_key_id, nonce, *when, now);
}

Result<Caller> Authenticator::AuthenticateV1(const ApiRequest& request,
                                             const ParsedRequest& parsed) const {
  std::string access_key_id = Param(parsed, "AccessKeyId");
  std::string signature = Param(parsed, "Signature");
  if (access_key_id.empty()) return Error(ErrorCode::kMissingParameter, "AccessKeyId");
  if (signature.empty()) {
    return Error(ErrorCode::kIncompleteSignature, "", "The Signature parameter is missing.");
  }
  if (Param(parsed, "SignatureMethod") != "HMAC-SHA1" ||
      Param(parsed, "SignatureVersion") != "1.0") {
    return Error(ErrorCode::kIncompleteSignature, "",
                 "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.");
  }
  auto key = FindKey(access_key_id);
  if (!key) return Error(key.error());

  ParamMap signed_params = parsed.params;
  signed_params.erase("Signature");
  std::string string_to_sign = V1StringToSign(request.method, signed_params);
  if (!ConstantTimeEquals(V1Signature(key->secret, string_to_sign), signature)) {
    return Error(ErrorCode::kSignatureDoesNotMatch, "",
                 "server string to sign is:" + string_to_sign);
  }
  LIVEREC_RETURN_IF_ERROR(CheckFreshness(access_key_id, Param(parsed, "Timestamp"),
                                         Param(parsed, "SignatureNonce"), "SignatureNonce"));
  return Caller{key->account_id, access_key_id};
}

Result<Caller> Authenticator::AuthenticateV3(const ApiRequest& request,
                                             const ParsedRequest& parsed) const {
  auto auth = ParseV3Authorization(Header(request, "authorization"));
  if (!auth) return Error(auth.error());
  auto is_signed = [&](const std::string& name) {
    for (const auto& h : auth->signed_headers) {
      if (h == name) return true;
    }
    return false;
  };
  for (const auto& [name, value] : request.headers) {
    if ((name == "host" || name.starts_with("x-acs-")) && !is_signed(name)) {
      return Error(
          ErrorCode::kIncompleteSignature, "",
          "SignedHeaders must include host and every x-acs-* header; missing " + name + ".");
    }
  }
  for (const auto& name : auth->signed_headers) {
    if (!request.headers.contains(name)) {
      return Error(ErrorCode::kIncompleteSignature, "", "Signed header " + name + " is absent.");
    }
  }
  auto key = FindKey(auth->access_key_id);
  if (!key) return Error(key.error());

  std::string body_hash = HexEncode(Sha256(request.body));
  std::string claimed_hash = Header(request, "x-acs-content-sha256");
  if (!claimed_hash.empty() && claimed_hash != body_hash) {
    return Error(ErrorCode::kSignatureDoesNotMatch, "",
                 "x-acs-content-sha256 does not match the request body.");
  }
  std::string canonical = V3CanonicalRequest(request.method, "/", parsed.query, request.headers,
                                             auth->signed_headers, body_hash);
  std::string expected = V3Signature(key->secret, V3StringToSign(canonical));
  if (!ConstantTimeEquals(expected, auth->signature)) {
    return Error(ErrorCode::kSignatureDoesNotMatch);
  }
  LIVEREC_RETURN_IF_ERROR(CheckFreshness(auth->access_key_id, Header(request, "x-acs-date"),
                                         Header(request, "x-acs-signature-nonce"),
                                         "x-acs-signature-nonce"));
  return Caller{key->account_id, auth->access_key_id};
}

}  // namespace liverec::api
