#include "callbacks/notify_signing.h"

#include "base/crypto.h"

namespace liverec::callbacks {

std::string NotifySignature(std::string_view host, int64_t unix_seconds, std::string_view key) {
  std::string text =
      std::string(host) + "|" + std::to_string(unix_seconds) + "|" + std::string(key);
  return HexEncode(Md5(text));
}

std::map<std::string, std::string> NotifyAuthHeaders(std::string_view host, int64_t now_ms,
                                                     std::string_view key) {
  int64_t seconds = now_ms / 1000;
  return {{std::string(kTimestampHeader), std::to_string(seconds)},
          {std::string(kSignatureHeader), NotifySignature(host, seconds, key)}};
}

}  // namespace liverec::callbacks
