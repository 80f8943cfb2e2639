// AMF0 values, decoding and encoding (Action Message Format AMF0 specification, Adobe 2006):
// the encoding of RTMP command and data messages (RTMP specification 1.0 §7.1.1, §7.1.2).
//
// Decoding takes outside input: truncated or malformed bytes, unknown markers and nesting deeper
// than kMaxAmf0Depth are errors (kMediaMalformed / kMediaUnsupported), never a crash. References
// (marker 0x07) and AMF3 switches (0x11) are unsupported. Plain values; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "media/rtmp/byte_io.h"

namespace liverec::media::rtmp {

// Type markers (AMF0 spec §2.1).
enum class Amf0Type : uint8_t {
  kNumber = 0x00,
  kBoolean = 0x01,
  kString = 0x02,
  kObject = 0x03,
  kNull = 0x05,
  kUndefined = 0x06,
  kReference = 0x07,
  kEcmaArray = 0x08,
  kObjectEnd = 0x09,
  kStrictArray = 0x0A,
  kDate = 0x0B,
  kLongString = 0x0C,
  kUnsupported = 0x0D,
  kXmlDocument = 0x0F,
  kTypedObject = 0x10,
  kAvmPlus = 0x11,
};

inline constexpr int kMaxAmf0Depth = 32;

struct Amf0Property;

// One AMF0 value. Which fields are meaningful depends on `type`.
struct Amf0Value {
  Amf0Type type = Amf0Type::kUndefined;
  double number = 0;  // number; date (ms since the epoch)
  bool boolean = false;
  int16_t time_zone = 0;  // date (the spec says: reserved, should be 0)
  std::string string;     // string, long string, XML document, typed-object class name
  std::vector<Amf0Property> properties;  // object, ECMA array, typed object (in order)
  std::vector<Amf0Value> elements;       // strict array

  static Amf0Value Number(double value);
  static Amf0Value Boolean(bool value);
  // Encoded as a long string when longer than 65535 bytes.
  static Amf0Value String(std::string value);
  static Amf0Value Null();
  static Amf0Value Undefined();
  static Amf0Value Object(std::vector<Amf0Property> properties);
  static Amf0Value EcmaArray(std::vector<Amf0Property> properties);
  static Amf0Value StrictArray(std::vector<Amf0Value> elements);
  static Amf0Value Date(double ms_since_epoch, int16_t time_zone = 0);

  bool IsString() const { return type == Amf0Type::kString || type == Amf0Type::kLongString; }
  bool IsNumber() const { return type == Amf0Type::kNumber; }
  bool IsObjectLike() const {
    return type == Amf0Type::kObject || type == Amf0Type::kEcmaArray ||
           type == Amf0Type::kTypedObject;
  }

  // The first property named `key` of an object-like value; nullptr when absent or not object-like.
  const Amf0Value* Find(std::string_view key) const;
  std::optional<std::string> FindString(std::string_view key) const;
  std::optional<double> FindNumber(std::string_view key) const;

  bool operator==(const Amf0Value& other) const;
};

struct Amf0Property {
  std::string key;
  Amf0Value value;

  bool operator==(const Amf0Property& other) const;
};

// Decodes one value at the reader's position and advances past it.
Result<Amf0Value> DecodeAmf0Value(ByteReader& reader);
// Decodes every value in `bytes` (a command or data message payload).
Result<std::vector<Amf0Value>> DecodeAmf0(std::span<const uint8_t> bytes);

void EncodeAmf0(const Amf0Value& value, std::vector<uint8_t>& out);
std::vector<uint8_t> EncodeAmf0(const std::vector<Amf0Value>& values);

}  // namespace liverec::media::rtmp
