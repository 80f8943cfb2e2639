#include "ingest/ingest_auth.h"

#include <charconv>
#include <vector>

#include "base/crypto.h"

namespace liverec::ingest {
namespace {

// MD5 is what the Alibaba scheme specifies.
std::string Md5Hex(std::string_view text) { return HexEncode(Md5(text)); }

Status Refused(std::string reason) {
  return Status(ErrorCode::kProtocolError, "", "auth_key refused: " + std::move(reason));
}

}  // namespace

std::string MakeAuthKey(std::string_view uri, int64_t timestamp_s, std::string_view rand,
                        std::string_view uid, std::string_view private_key) {
  std::string ts = std::to_string(timestamp_s);
  std::string hash = Md5Hex(std::string(uri) + "-" + ts + "-" + std::string(rand) + "-" +
                            std::string(uid) + "-" + std::string(private_key));
  return ts + "-" + std::string(rand) + "-" + std::string(uid) + "-" + hash;
}

Status VerifyAuthKey(const config::IngestAuthConfig& auth, std::string_view uri,
                     std::string_view auth_key, int64_t now_s) {
  if (auth_key.empty()) return Refused("missing");
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= auth_key.size(); ++i) {
    if (i == auth_key.size() || auth_key[i] == '-') {
      parts.push_back(auth_key.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 4 || parts[0].empty() || parts[3].size() != 32) return Refused("malformed");
  int64_t timestamp = 0;
  auto [ptr, ec] = std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), timestamp);
  if (ec != std::errc() || ptr != parts[0].data() + parts[0].size()) return Refused("malformed");
  if (now_s > timestamp + auth.validity_s) return Refused("expired");
  for (const std::string* key : {&auth.primary_key, &auth.secondary_key}) {
    if (key->empty()) continue;
    std::string expected = MakeAuthKey(uri, timestamp, parts[1], parts[2], *key);
    if (ConstantTimeEquals(expected, auth_key)) return Status::Ok();
  }
  return Refused("wrong signature");
}

}  // namespace liverec::ingest
