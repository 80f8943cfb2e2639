#include "media/rtmp/amf0.h"

#include <gtest/gtest.h>

#include "media/rtmp/rtmp_test_util.h"

namespace liverec::media::rtmp {
namespace {

using testing::B;
using testing::Bytes;
using testing::Concat;

Bytes Encode(const Amf0Value& value) {
  Bytes out;
  EncodeAmf0(value, out);
  return out;
}

TEST(Amf0Test, ScalarsEncodeToTheSpecBytes) {
  EXPECT_EQ(Encode(Amf0Value::Number(1.0)), B({0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Encode(Amf0Value::Boolean(true)), B({0x01, 0x01}));
  EXPECT_EQ(Encode(Amf0Value::String("ab")), B({0x02, 0x00, 0x02, 'a', 'b'}));
  EXPECT_EQ(Encode(Amf0Value::Null()), B({0x05}));
  EXPECT_EQ(Encode(Amf0Value::Undefined()), B({0x06}));
  EXPECT_EQ(Encode(Amf0Value::Date(0, 0)), B({0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(Amf0Test, ObjectEndsWithEmptyKeyAndObjectEndMarker) {
  EXPECT_EQ(Encode(Amf0Value::Object({{"a", Amf0Value::Boolean(false)}})),
            B({0x03, 0x00, 0x01, 'a', 0x01, 0x00, 0x00, 0x00, 0x09}));
  EXPECT_EQ(Encode(Amf0Value::EcmaArray({{"a", Amf0Value::Null()}})),
            B({0x08, 0, 0, 0, 1, 0x00, 0x01, 'a', 0x05, 0x00, 0x00, 0x09}));
  EXPECT_EQ(Encode(Amf0Value::StrictArray({Amf0Value::Null(), Amf0Value::Boolean(true)})),
            B({0x0A, 0, 0, 0, 2, 0x05, 0x01, 0x01}));
}

TEST(Amf0Test, StringsOver65535BytesBecomeLongStrings) {
  std::string text(70000, 'x');
  Bytes bytes = Encode(Amf0Value::String(text));
  ASSERT_EQ(bytes.size(), 5u + text.size());
  EXPECT_EQ(bytes[0], 0x0C);
  EXPECT_EQ(bytes[1], 0x00);
  EXPECT_EQ(bytes[2], 0x01);  // 70000 = 0x00011170
  auto decoded = DecodeAmf0(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ((*decoded)[0].string, text);
}

TEST(Amf0Test, NestedValuesRoundTrip) {
  std::vector<Amf0Value> values = {
      Amf0Value::String("onMetaData"),
      Amf0Value::EcmaArray({
          {"width", Amf0Value::Number(1280)},
          {"encoder", Amf0Value::String("Lavf59")},
          {"stereo", Amf0Value::Boolean(true)},
          {"nested", Amf0Value::Object({{"list", Amf0Value::StrictArray({Amf0Value::Number(-2.5),
                                                                         Amf0Value::Undefined()})},
                                        {"when", Amf0Value::Date(1.7e12, 0)}})},
      }),
      Amf0Value::Null(),
  };
  Bytes bytes = EncodeAmf0(values);
  auto decoded = DecodeAmf0(bytes);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
  EXPECT_EQ(*decoded, values);
  EXPECT_EQ((*decoded)[1].FindNumber("width"), 1280);
  EXPECT_EQ((*decoded)[1].FindString("encoder"), "Lavf59");
  EXPECT_EQ((*decoded)[1].Find("missing"), nullptr);
}

TEST(Amf0Test, DecodesAGoldenConnectCommand) {
  // "connect", 1, {app: "live", tcUrl: "rtmp://h/live"}
  Bytes bytes = Concat(
      {B({0x02, 0, 7}), testing::Text("connect"), B({0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0}),
       B({0x03, 0, 3}), testing::Text("app"), B({0x02, 0, 4}), testing::Text("live"), B({0, 5}),
       testing::Text("tcUrl"), B({0x02, 0, 13}), testing::Text("rtmp://h/live"), B({0, 0, 9})});
  auto values = DecodeAmf0(bytes);
  ASSERT_TRUE(values.has_value()) << values.error().ToString();
  ASSERT_EQ(values->size(), 3u);
  EXPECT_EQ((*values)[0].string, "connect");
  EXPECT_EQ((*values)[1].number, 1.0);
  EXPECT_EQ((*values)[2].FindString("app"), "live");
  EXPECT_EQ((*values)[2].FindString("tcUrl"), "rtmp://h/live");
}

TEST(Amf0Test, EcmaArrayWithoutObjectEndAtTheEndOfTheMessageIsAccepted) {
  auto values = DecodeAmf0(B({0x08, 0, 0, 0, 1, 0, 1, 'a', 0x05}));
  ASSERT_TRUE(values.has_value());
  EXPECT_EQ((*values)[0].Find("a")->type, Amf0Type::kNull);
}

TEST(Amf0Test, EveryTruncationOfAValueIsAnError) {
  Bytes bytes =
      Encode(Amf0Value::Object({{"k", Amf0Value::String("value")},
                                {"n", Amf0Value::Number(3)},
                                {"a", Amf0Value::StrictArray({Amf0Value::Boolean(true)})}}));
  for (size_t n = 1; n < bytes.size(); ++n) {
    auto values = DecodeAmf0(std::span<const uint8_t>(bytes).first(n));
    EXPECT_FALSE(values.has_value()) << n;
  }
}

TEST(Amf0Test, ReferencesAndAmf3AreUnsupportedAndUnknownMarkersMalformed) {
  EXPECT_EQ(DecodeAmf0(B({0x07, 0, 1})).error().code(), ErrorCode::kMediaUnsupported);
  EXPECT_EQ(DecodeAmf0(B({0x11, 0})).error().code(), ErrorCode::kMediaUnsupported);
  EXPECT_EQ(DecodeAmf0(B({0x09})).error().code(), ErrorCode::kMediaMalformed);
  EXPECT_EQ(DecodeAmf0(B({0x42})).error().code(), ErrorCode::kMediaMalformed);
  EXPECT_EQ(DecodeAmf0(B({0x0A, 0xFF, 0xFF, 0xFF, 0xFF})).error().code(),
            ErrorCode::kMediaMalformed);
}

TEST(Amf0Test, NestingDeeperThanTheLimitIsAnError) {
  Bytes deep;
  for (int i = 0; i < 10000; ++i) deep.insert(deep.end(), {0x0A, 0, 0, 0, 1});
  deep.push_back(0x05);
  auto values = DecodeAmf0(deep);
  ASSERT_FALSE(values.has_value());
  EXPECT_EQ(values.error().code(), ErrorCode::kMediaMalformed);

  Bytes ok;
  for (int i = 0; i < kMaxAmf0Depth; ++i) ok.insert(ok.end(), {0x0A, 0, 0, 0, 1});
  ok.push_back(0x05);
  EXPECT_TRUE(DecodeAmf0(ok).has_value());
}

TEST(Amf0Test, RandomBytesDecodeOrFailNeverCrash) {
  size_t decoded = 0;
  for (const auto& buffer : testing::RandomBuffers(2000, 256, 7)) {
    auto values = DecodeAmf0(buffer);
    if (values) {
      ++decoded;
      // Whatever decodes re-encodes and decodes to the same values.
      auto again = DecodeAmf0(EncodeAmf0(*values));
      ASSERT_TRUE(again.has_value());
      EXPECT_EQ(again->size(), values->size());
    }
  }
  EXPECT_LT(decoded, 2000u);
}

}  // namespace
}  // namespace liverec::media::rtmp
