// Percent-encoding and form decoding (base/percent_encoding.h): every API parameter, in the
// query or a form body, is decoded with them, and V1 signatures encode them back.
// Input: any bytes, used as text, as a form body, and as a key and a value.
// Properties: no crash; PopEncode leaves only unreserved characters and %XX in upper-case hex;
// decoding what PopEncode made gives the text back (also as a form pair, whatever bytes the key
// and value hold); decoding never lengthens its input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/percent_encoding.h"
#include "fuzz/fuzz_support.h"

using namespace liverec;

namespace {

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

bool IsUpperHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

void CheckPopEncoded(const std::string& encoded) {
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%') {
      FUZZ_CHECK(i + 2 < encoded.size());
      FUZZ_CHECK(IsUpperHex(encoded[i + 1]) && IsUpperHex(encoded[i + 2]));
      i += 2;
    } else {
      FUZZ_CHECK(IsUnreserved(encoded[i]));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  std::string encoded = PopEncode(text);
  CheckPopEncoded(encoded);
  FUZZ_CHECK(FormDecode(encoded) == text);
  FUZZ_CHECK(FormDecode(text).size() <= text.size());

  for (const auto& [name, value] : ParseFormPairs(text)) {
    FUZZ_CHECK(name.size() + value.size() <= text.size());
  }

  // The text cut in two at its first byte's value: key and value of one form pair, encoded the
  // way the SDKs do; the pair comes back as it was.
  size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  std::string key(text.substr(0, cut)), value(text.substr(cut));
  if (!key.empty()) {
    auto pairs = ParseFormPairs(PopEncode(key) + "=" + PopEncode(value));
    FUZZ_CHECK(pairs.size() == 1);
    FUZZ_CHECK(pairs[0].first == key && pairs[0].second == value);
  }
  return 0;
}
