#include "base/type_a_token.h"

#include <charconv>
#include <vector>

#include "base/crypto.h"

namespace liverec {

std::optional<TypeAToken> ParseTypeAToken(std::string_view auth_key) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= auth_key.size(); ++i) {
    if (i == auth_key.size() || auth_key[i] == '-') {
      parts.push_back(auth_key.substr(start, i - start));
      start = i + 1;
      if (parts.size() > 4) return std::nullopt;
    }
  }
  if (parts.size() != 4 || parts[0].empty() || parts[3].size() != 32) return std::nullopt;
  TypeAToken token;
  auto [ptr, ec] =
      std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), token.timestamp);
  if (ec != std::errc() || ptr != parts[0].data() + parts[0].size()) return std::nullopt;
  token.rand = parts[1];
  token.uid = parts[2];
  token.md5hex = parts[3];
  return token;
}

std::string MakeTypeAToken(std::string_view uri, int64_t timestamp, std::string_view rand,
                           std::string_view uid, std::string_view private_key) {
  std::string ts = std::to_string(timestamp);
  // MD5 is what the cloud's scheme specifies.
  std::string hash = HexEncode(Md5(std::string(uri) + "-" + ts + "-" + std::string(rand) + "-" +
                                   std::string(uid) + "-" + std::string(private_key)));
  return ts + "-" + std::string(rand) + "-" + std::string(uid) + "-" + hash;
}

bool TypeATokenSigns(const TypeAToken& token, std::string_view auth_key, std::string_view uri,
                     std::string_view private_key) {
  if (private_key.empty()) return false;
  return ConstantTimeEquals(
      MakeTypeAToken(uri, token.timestamp, token.rand, token.uid, private_key), auth_key);
}

}  // namespace liverec
