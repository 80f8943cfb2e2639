// AMF0 decoding (media/rtmp/amf0.h): every RTMP command and data message a publisher sends is
// decoded with it. Properties: no crash on any bytes; what decodes re-encodes to bytes that
// decode to the same values (compared by their encoding, so NaN numbers compare equal).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "media/rtmp/amf0.h"

using liverec::media::rtmp::DecodeAmf0;
using liverec::media::rtmp::EncodeAmf0;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  liverec::fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto values = DecodeAmf0(std::span(data, size));
  if (!values) return 0;
  std::vector<uint8_t> encoded = EncodeAmf0(*values);
  auto again = DecodeAmf0(encoded);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->size() == values->size());
  FUZZ_CHECK(EncodeAmf0(*again) == encoded);
  for (const auto& value : *values) {
    (void)value.FindString("app");
    (void)value.FindNumber("duration");
  }
  return 0;
}
