#include "media/rtmp/chunk_encoder.h"

#include <gtest/gtest.h>

#include "media/rtmp/protocol_control.h"
#include "media/rtmp/rtmp_test_util.h"

namespace liverec::media::rtmp {
namespace {

using testing::B;
using testing::Bytes;
using testing::Filler;

RtmpMessage Message(uint32_t csid, MessageType type, uint32_t stream_id, int64_t timestamp,
                    Bytes payload) {
  return RtmpMessage{csid, type, stream_id, timestamp, std::move(payload)};
}

TEST(ChunkEncoderTest, SmallMessageIsOneType0Chunk) {
  ChunkEncoder encoder;
  Bytes out;
  encoder.Encode(Message(3, MessageType::kCommandAmf0, 1, 0x010203, B({9, 8})), out);
  EXPECT_EQ(out, B({0x03, 0x01, 0x02, 0x03, 0, 0, 2, 20, 1, 0, 0, 0, 9, 8}));
}

TEST(ChunkEncoderTest, LongMessageContinuesInType3ChunksWithTheExtendedTimestamp) {
  ChunkEncoder encoder;
  Bytes out;
  encoder.Encode(Message(6, MessageType::kVideo, 1, 0x01000000, Filler(130)), out);
  ASSERT_EQ(out.size(), 12u + 4u + 128u + 1u + 4u + 2u);
  EXPECT_EQ(out[1], 0xFF);
  EXPECT_EQ(out[12], 0x01);  // extended timestamp after the type-0 header
  EXPECT_EQ(out[16 + 128], 0xC6);
  EXPECT_EQ(out[16 + 129], 0x01);  // repeated on the type-3 chunk
}

TEST(ChunkEncoderTest, EncodedMessagesDecodeToTheSameMessages) {
  for (uint32_t chunk_size : {1u, 128u, 4096u, 65536u}) {
    std::vector<RtmpMessage> messages = {
        MakeSetChunkSize(chunk_size),
        Message(3, MessageType::kCommandAmf0, 0, 0, Filler(500)),
        Message(4, MessageType::kAudio, 1, 0xFFFFFE, Filler(7)),
        Message(6, MessageType::kVideo, 1, 0x1FFFFFF, Filler(10000, 3)),
        Message(64, MessageType::kVideo, 1, 20, Filler(4096)),
        Message(319, MessageType::kAudio, 2, 21, Filler(4097)),
        Message(320, MessageType::kDataAmf0, 3, 22, {}),
        Message(65599, MessageType::kVideo, 4, 23, Filler(1)),
    };
    ChunkEncoder encoder;
    Bytes wire;
    encoder.Encode(messages[0], wire);  // sent with the old (default) chunk size
    encoder.set_chunk_size(chunk_size);
    for (size_t i = 1; i < messages.size(); ++i) encoder.Encode(messages[i], wire);
    ChunkDecoder decoder;
    auto decoded = decoder.Feed(wire);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
    ASSERT_EQ(decoded->size(), messages.size());
    for (size_t i = 0; i < messages.size(); ++i) {
      EXPECT_EQ((*decoded)[i].chunk_stream_id, messages[i].chunk_stream_id) << i;
      EXPECT_EQ((*decoded)[i].type, messages[i].type) << i;
      EXPECT_EQ((*decoded)[i].stream_id, messages[i].stream_id) << i;
      EXPECT_EQ((*decoded)[i].timestamp, messages[i].timestamp) << i;
      EXPECT_EQ((*decoded)[i].payload, messages[i].payload) << i;
    }
  }
}

TEST(ChunkEncoderTest, EveryChunkSizeRoundTripsThroughTheDecoder) {
  for (uint32_t chunk_size : {1u, 2u, 127u, 128u, 1000u, 65536u}) {
    ChunkEncoder encoder;
    Bytes wire;
    encoder.Encode(MakeSetChunkSize(chunk_size), wire);
    encoder.set_chunk_size(chunk_size);
    RtmpMessage big = Message(6, MessageType::kVideo, 1, 0x12345678, Filler(3000, 5));
    encoder.Encode(big, wire);
    ChunkDecoder decoder;
    auto decoded = decoder.Feed(wire);
    ASSERT_TRUE(decoded.has_value()) << chunk_size;
    ASSERT_EQ(decoded->size(), 2u);
    EXPECT_EQ((*decoded)[1].payload, big.payload) << chunk_size;
    EXPECT_EQ((*decoded)[1].timestamp, 0x12345678) << chunk_size;
  }
}

}  // namespace
}  // namespace liverec::media::rtmp
