#include "media/rtmp/amf0.h"

#include <utility>

namespace liverec::media::rtmp {
namespace {

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, "", "AMF0: " + std::move(detail));
}

// UTF-8 (§2.3 "UTF-8"): a 16-bit length and the bytes; long strings (§2.14) a 32-bit length.
Result<std::string> ReadUtf8(ByteReader& reader, bool long_length) {
  uint32_t length = 0;
  if (long_length) {
    if (!reader.ReadU32(length)) return Malformed("truncated long string length");
  } else {
    uint16_t short_length = 0;
    if (!reader.ReadU16(short_length)) return Malformed("truncated string length");
    length = short_length;
  }
  std::span<const uint8_t> bytes;
  if (!reader.ReadBytes(length, bytes)) return Malformed("truncated string");
  return std::string(AsStringView(bytes));
}

Result<Amf0Value> DecodeAt(ByteReader& reader, int depth);

// Object properties (§2.5), ECMA array (§2.10) and typed object (§2.18) members: UTF-8 key and
// value pairs ending with an empty key and the object-end marker (§2.11). Some encoders end an
// ECMA array at the end of the message without the marker; that is accepted.
Status ReadProperties(ByteReader& reader, int depth, bool end_marker_optional,
                      std::vector<Amf0Property>& out) {
  while (true) {
    if (end_marker_optional && reader.empty()) return Status::Ok();
    auto key = ReadUtf8(reader, false);
    if (!key) return key.error();
    if (key->empty()) {
      uint8_t marker = 0;
      if (reader.ReadU8(marker) && marker == static_cast<uint8_t>(Amf0Type::kObjectEnd)) {
        return Status::Ok();
      }
      if (end_marker_optional && reader.empty()) return Status::Ok();
      return Status(ErrorCode::kMediaMalformed, "", "AMF0: empty key without object end");
    }
    auto value = DecodeAt(reader, depth + 1);
    if (!value) return value.error();
    out.push_back(Amf0Property{std::move(*key), std::move(*value)});
  }
}

Result<Amf0Value> DecodeContainer(Amf0Type type, ByteReader& reader, int depth) {
  Amf0Value value;
  value.type = type;
  if (type == Amf0Type::kStrictArray) {
    uint32_t count = 0;
    if (!reader.ReadU32(count)) return Malformed("truncated strict array count");
    // Each element takes at least one byte, so a count beyond the bytes left is malformed.
    if (count > reader.remaining()) return Malformed("strict array count beyond the data");
    for (uint32_t i = 0; i < count; ++i) {
      auto element = DecodeAt(reader, depth + 1);
      if (!element) return element;
      value.elements.push_back(std::move(*element));
    }
    return value;
  }
  if (type == Amf0Type::kTypedObject) {
    auto class_name = ReadUtf8(reader, false);
    if (!class_name) return tl::unexpected(class_name.error());
    value.string = std::move(*class_name);
  }
  if (type == Amf0Type::kEcmaArray && !reader.Skip(4)) {  // associative count, advisory
    return Malformed("truncated ECMA array count");
  }
  Status status = ReadProperties(reader, depth, type == Amf0Type::kEcmaArray, value.properties);
  if (!status.ok()) return Error(std::move(status));
  return value;
}

Result<Amf0Value> DecodeAt(ByteReader& reader, int depth) {
  if (depth > kMaxAmf0Depth) return Malformed("nesting too deep");
  uint8_t marker = 0;
  if (!reader.ReadU8(marker)) return Malformed("truncated value");
  auto type = static_cast<Amf0Type>(marker);
  Amf0Value value;
  value.type = type;
  switch (type) {
    case Amf0Type::kNumber:
      if (!reader.ReadDouble(value.number)) return Malformed("truncated number");
      return value;
    case Amf0Type::kBoolean: {
      uint8_t b = 0;
      if (!reader.ReadU8(b)) return Malformed("truncated boolean");
      value.boolean = b != 0;
      return value;
    }
    case Amf0Type::kString:
    case Amf0Type::kLongString:
    case Amf0Type::kXmlDocument: {
      auto text = ReadUtf8(reader, type != Amf0Type::kString);
      if (!text) return tl::unexpected(text.error());
      value.string = std::move(*text);
      return value;
    }
    case Amf0Type::kNull:
    case Amf0Type::kUndefined:
    case Amf0Type::kUnsupported:
      return value;
    case Amf0Type::kDate: {
      uint16_t zone = 0;
      if (!reader.ReadDouble(value.number) || !reader.ReadU16(zone)) {
        return Malformed("truncated date");
      }
      value.time_zone = static_cast<int16_t>(zone);
      return value;
    }
    case Amf0Type::kObject:
    case Amf0Type::kEcmaArray:
    case Amf0Type::kStrictArray:
    case Amf0Type::kTypedObject:
      return DecodeContainer(type, reader, depth);
    case Amf0Type::kReference:
    case Amf0Type::kAvmPlus:
      return Error(ErrorCode::kMediaUnsupported, "", "AMF0: references and AMF3 values");
    default:
      return Malformed("unknown or misplaced marker " + std::to_string(marker));
  }
}

void WriteUtf8(std::vector<uint8_t>& out, std::string_view text) {
  AppendU16(out, static_cast<uint16_t>(text.size()));
  AppendBytes(out, text);
}

void WriteProperties(std::vector<uint8_t>& out, const std::vector<Amf0Property>& properties) {
  for (const auto& property : properties) {
    WriteUtf8(out, property.key);
    EncodeAmf0(property.value, out);
  }
  AppendU16(out, 0);
  AppendU8(out, static_cast<uint8_t>(Amf0Type::kObjectEnd));
}

}  // namespace

Amf0Value Amf0Value::Number(double value) {
  Amf0Value v;
  v.type = Amf0Type::kNumber;
  v.number = value;
  return v;
}
Amf0Value Amf0Value::Boolean(bool value) {
  Amf0Value v;
  v.type = Amf0Type::kBoolean;
  v.boolean = value;
  return v;
}
Amf0Value Amf0Value::String(std::string value) {
  Amf0Value v;
  v.type = value.size() > 0xFFFF ? Amf0Type::kLongString : Amf0Type::kString;
  v.string = std::move(value);
  return v;
}
Amf0Value Amf0Value::Null() {
  Amf0Value v;
  v.type = Amf0Type::kNull;
  return v;
}
Amf0Value Amf0Value::Undefined() { return Amf0Value(); }
Amf0Value Amf0Value::Object(std::vector<Amf0Property> properties) {
  Amf0Value v;
  v.type = Amf0Type::kObject;
  v.properties = std::move(properties);
  return v;
}
Amf0Value Amf0Value::EcmaArray(std::vector<Amf0Property> properties) {
  Amf0Value v = Object(std::move(properties));
  v.type = Amf0Type::kEcmaArray;
  return v;
}
Amf0Value Amf0Value::StrictArray(std::vector<Amf0Value> elements) {
  Amf0Value v;
  v.type = Amf0Type::kStrictArray;
  v.elements = std::move(elements);
  return v;
}
Amf0Value Amf0Value::Date(double ms_since_epoch, int16_t time_zone) {
  Amf0Value v = Number(ms_since_epoch);
  v.type = Amf0Type::kDate;
  v.time_zone = time_zone;
  return v;
}

const Amf0Value* Amf0Value::Find(std::string_view key) const {
  if (!IsObjectLike()) return nullptr;
  for (const auto& property : properties) {
    if (property.key == key) return &property.value;
  }
  return nullptr;
}

std::optional<std::string> Amf0Value::FindString(std::string_view key) const {
  const Amf0Value* value = Find(key);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return value->string;
}

std::optional<double> Amf0Value::FindNumber(std::string_view key) const {
  const Amf0Value* value = Find(key);
  if (value == nullptr || !value->IsNumber()) return std::nullopt;
  return value->number;
}

bool Amf0Value::operator==(const Amf0Value& other) const {
  return type == other.type && number == other.number && boolean == other.boolean &&
         time_zone == other.time_zone && string == other.string && properties == other.properties &&
         elements == other.elements;
}

bool Amf0Property::operator==(const Amf0Property& other) const {
  return key == other.key && value == other.value;
}

Result<Amf0Value> DecodeAmf0Value(ByteReader& reader) { return DecodeAt(reader, 0); }

Result<std::vector<Amf0Value>> DecodeAmf0(std::span<const uint8_t> bytes) {
  ByteReader reader(bytes);
  std::vector<Amf0Value> values;
  while (!reader.empty()) {
    auto value = DecodeAt(reader, 0);
    if (!value) return tl::unexpected(value.error());
    values.push_back(std::move(*value));
  }
  return values;
}

void EncodeAmf0(const Amf0Value& value, std::vector<uint8_t>& out) {
  Amf0Type type = value.type;
  if (type == Amf0Type::kString && value.string.size() > 0xFFFF) type = Amf0Type::kLongString;
  AppendU8(out, static_cast<uint8_t>(type));
  switch (type) {
    case Amf0Type::kNumber:
      AppendDouble(out, value.number);
      break;
    case Amf0Type::kBoolean:
      AppendU8(out, value.boolean ? 1 : 0);
      break;
    case Amf0Type::kString:
      WriteUtf8(out, value.string);
      break;
    case Amf0Type::kLongString:
    case Amf0Type::kXmlDocument:
      AppendU32(out, static_cast<uint32_t>(value.string.size()));
      AppendBytes(out, value.string);
      break;
    case Amf0Type::kObject:
      WriteProperties(out, value.properties);
      break;
    case Amf0Type::kTypedObject:
      WriteUtf8(out, value.string);
      WriteProperties(out, value.properties);
      break;
    case Amf0Type::kEcmaArray:
      AppendU32(out, static_cast<uint32_t>(value.properties.size()));
      WriteProperties(out, value.properties);
      break;
    case Amf0Type::kStrictArray:
      AppendU32(out, static_cast<uint32_t>(value.elements.size()));
      for (const auto& element : value.elements) EncodeAmf0(element, out);
      break;
    case Amf0Type::kDate:
      AppendDouble(out, value.number);
      AppendU16(out, static_cast<uint16_t>(value.time_zone));
      break;
    default:  // null, undefined, unsupported: the marker alone
      break;
  }
}

std::vector<uint8_t> EncodeAmf0(const std::vector<Amf0Value>& values) {
  std::vector<uint8_t> out;
  for (const auto& value : values) EncodeAmf0(value, out);
  return out;
}

}  // namespace liverec::media::rtmp
