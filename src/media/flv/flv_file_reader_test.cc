#include "media/flv/flv_file_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace liverec::media::flv {
namespace {

using Bytes = std::vector<uint8_t>;

const Bytes kFileHeader = {'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0};

// One FLVTAG (§E.4.1) followed by its PreviousTagSize.
Bytes Tag(uint8_t type, uint32_t timestamp, const Bytes& body) {
  const uint32_t size = static_cast<uint32_t>(body.size());
  Bytes out = {type,
               static_cast<uint8_t>(size >> 16),
               static_cast<uint8_t>(size >> 8),
               static_cast<uint8_t>(size),
               static_cast<uint8_t>(timestamp >> 16),
               static_cast<uint8_t>(timestamp >> 8),
               static_cast<uint8_t>(timestamp),
               static_cast<uint8_t>(timestamp >> 24),
               0,
               0,
               0};
  out.insert(out.end(), body.begin(), body.end());
  const uint32_t previous = size + 11;
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(previous >> shift));
  return out;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

TEST(FlvFileReaderTest, ReadsTagsFedOneByteAtATime) {
  const Bytes file = Cat({kFileHeader, Tag(18, 0, {0x02, 0x00}), Tag(9, 40, {0x17, 0x01}),
                          Tag(7, 50, {0xaa}),  // unknown type: skipped
                          Tag(8, 0x01020304, {0xaf, 0x01, 0x21})});
  FlvFileReader reader;
  std::vector<FlvTag> tags;
  for (uint8_t byte : file) {
    reader.Feed({&byte, 1});
    while (true) {
      auto tag = reader.Next();
      if (!tag) {
        ASSERT_EQ(tag.error().code(), ErrorCode::kMediaNeedMoreData) << tag.error().ToString();
        break;
      }
      tags.push_back(std::move(*tag));
    }
  }
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0].type, FlvTagType::kScriptData);
  EXPECT_EQ(tags[1].type, FlvTagType::kVideo);
  EXPECT_EQ(tags[1].timestamp_ms, 40);
  EXPECT_EQ(tags[1].body, (Bytes{0x17, 0x01}));
  EXPECT_EQ(tags[2].type, FlvTagType::kAudio);
  EXPECT_EQ(tags[2].timestamp_ms, 0x01020304);  // TimestampExtended is the high byte
  EXPECT_EQ(tags[2].body, (Bytes{0xaf, 0x01, 0x21}));
}

TEST(FlvFileReaderTest, BadSignatureIsMalformedForGood) {
  FlvFileReader reader;
  reader.Feed(Cat({Bytes{'F', 'L', 'X', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0}, Tag(9, 0, {0x17})}));
  EXPECT_EQ(reader.Next().error().code(), ErrorCode::kMediaMalformed);
  EXPECT_EQ(reader.Next().error().code(), ErrorCode::kMediaMalformed);
}

TEST(FlvFileReaderTest, EncryptedTagIsUnsupported) {
  FlvFileReader reader;
  reader.Feed(Cat({kFileHeader, Tag(9 | 0x20, 0, {0x17})}));
  EXPECT_EQ(reader.Next().error().code(), ErrorCode::kMediaUnsupported);
}

TEST(FlvFileReaderTest, TruncatedTagNeedsMoreData) {
  FlvFileReader reader;
  Bytes file = Cat({kFileHeader, Tag(9, 0, {0x17, 0x00, 0x00})});
  file.pop_back();
  reader.Feed(file);
  EXPECT_EQ(reader.Next().error().code(), ErrorCode::kMediaNeedMoreData);
  reader.Feed(Bytes{0x0e});
  auto tag = reader.Next();
  ASSERT_TRUE(tag.has_value()) << tag.error().ToString();
  EXPECT_EQ(tag->body.size(), 3u);
}

}  // namespace
}  // namespace liverec::media::flv
