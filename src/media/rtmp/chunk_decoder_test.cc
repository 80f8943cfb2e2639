#include "media/rtmp/chunk_decoder.h"

#include <gtest/gtest.h>

#include "media/rtmp/rtmp_test_util.h"

namespace liverec::media::rtmp {
namespace {

using testing::B;
using testing::Bytes;
using testing::Concat;
using testing::Filler;

// A one-byte basic header (fmt 0, `csid_byte`) and a type-0 message header (§5.3.1.2.1).
Bytes Type0Header(uint32_t csid_byte, uint32_t timestamp, uint32_t length, int type,
                  uint32_t stream_id) {
  return B({static_cast<int>(csid_byte), static_cast<int>(timestamp >> 16 & 0xFF),
            static_cast<int>(timestamp >> 8 & 0xFF), static_cast<int>(timestamp & 0xFF),
            static_cast<int>(length >> 16 & 0xFF), static_cast<int>(length >> 8 & 0xFF),
            static_cast<int>(length & 0xFF), type, static_cast<int>(stream_id & 0xFF),
            static_cast<int>(stream_id >> 8 & 0xFF), 0, 0});
}

std::vector<RtmpMessage> FeedOk(ChunkDecoder& decoder, const Bytes& bytes) {
  auto messages = decoder.Feed(bytes);
  EXPECT_TRUE(messages.has_value()) << messages.error().ToString();
  return messages ? std::move(*messages) : std::vector<RtmpMessage>{};
}

TEST(ChunkDecoderTest, Type0ChunkCarriesTheWholeMessageHeader) {
  ChunkDecoder decoder;
  auto messages = FeedOk(decoder, Concat({Type0Header(0x03, 100, 4, 20, 1), B({1, 2, 3, 4})}));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].chunk_stream_id, 3u);
  EXPECT_EQ(messages[0].type, MessageType::kCommandAmf0);
  EXPECT_EQ(messages[0].stream_id, 1u);
  EXPECT_EQ(messages[0].timestamp, 100);
  EXPECT_EQ(messages[0].payload, B({1, 2, 3, 4}));
}

TEST(ChunkDecoderTest, Type1ChunkTakesADeltaLengthAndTypeAndKeepsTheStreamId) {
  ChunkDecoder decoder;
  FeedOk(decoder, Concat({Type0Header(0x03, 100, 4, 20, 7), B({1, 2, 3, 4})}));
  auto messages = FeedOk(decoder, B({0x43, 0, 0, 10, 0, 0, 2, 8, 0xAA, 0xBB}));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].timestamp, 110);
  EXPECT_EQ(messages[0].type, MessageType::kAudio);
  EXPECT_EQ(messages[0].stream_id, 7u);
  EXPECT_EQ(messages[0].payload, B({0xAA, 0xBB}));
}

TEST(ChunkDecoderTest, Type2ChunkTakesOnlyADelta) {
  ChunkDecoder decoder;
  FeedOk(decoder, Concat({Type0Header(0x04, 100, 2, 8, 1), B({1, 2})}));
  auto messages = FeedOk(decoder, B({0x84, 0, 0, 23, 5, 6}));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].timestamp, 123);
  EXPECT_EQ(messages[0].type, MessageType::kAudio);
  EXPECT_EQ(messages[0].payload, B({5, 6}));
}

TEST(ChunkDecoderTest, Type3ChunkReusesPreviousHeader) {
  ChunkDecoder decoder;
  FeedOk(decoder, Concat({Type0Header(0x04, 100, 2, 8, 1), B({1, 2})}));
  FeedOk(decoder, B({0x84, 0, 0, 20, 3, 4}));  // delta 20
  auto messages = FeedOk(decoder, B({0xC4, 7, 8, 0xC4, 9, 10}));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].timestamp, 140);
  EXPECT_EQ(messages[1].timestamp, 160);
  EXPECT_EQ(messages[1].payload, B({9, 10}));
  EXPECT_EQ(messages[1].type, MessageType::kAudio);
}

TEST(ChunkDecoderTest, Type3ChunksContinueAMessageLongerThanTheChunkSize) {
  ChunkDecoder decoder;
  Bytes payload = Filler(300);
  Bytes wire =
      Concat({Type0Header(0x06, 5, 300, 9, 1), Bytes(payload.begin(), payload.begin() + 128),
              B({0xC6}), Bytes(payload.begin() + 128, payload.begin() + 256), B({0xC6}),
              Bytes(payload.begin() + 256, payload.end())});
  auto messages = FeedOk(decoder, wire);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].payload, payload);
  EXPECT_EQ(messages[0].timestamp, 5);
}

TEST(ChunkDecoderTest, ExtendedTimestampIsReadAlsoOnType3Continuations) {
  ChunkDecoder decoder;
  Bytes payload = Filler(200, 7);
  Bytes wire =
      Concat({Type0Header(0x06, 0xFFFFFF, 200, 9, 1), B({0x01, 0x02, 0x03, 0x04}),
              Bytes(payload.begin(), payload.begin() + 128), B({0xC6, 0x01, 0x02, 0x03, 0x04}),
              Bytes(payload.begin() + 128, payload.end())});
  auto messages = FeedOk(decoder, wire);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].timestamp, 0x01020304);
  EXPECT_EQ(messages[0].payload, payload);
}

TEST(ChunkDecoderTest, ContinuationWithoutTheRepeatedExtendedTimestampIsAcceptedToo) {
  ChunkDecoder decoder;
  Bytes payload = Filler(200, 7);
  Bytes wire = Concat({Type0Header(0x06, 0xFFFFFF, 200, 9, 1), B({0x01, 0x02, 0x03, 0x04}),
                       Bytes(payload.begin(), payload.begin() + 128), B({0xC6}),
                       Bytes(payload.begin() + 128, payload.end())});
  auto messages = FeedOk(decoder, wire);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].payload, payload);
}

TEST(ChunkDecoderTest, ExtendedDeltaOnType1IsRepeatedByType3NewMessages) {
  ChunkDecoder decoder;
  FeedOk(decoder, Concat({Type0Header(0x04, 0, 1, 8, 1), B({1})}));
  auto messages =
      FeedOk(decoder, Concat({B({0x44, 0xFF, 0xFF, 0xFF, 0, 0, 1, 8, 0x01, 0x00, 0x00, 0x00, 2}),
                              B({0xC4, 0x01, 0x00, 0x00, 0x00, 3})}));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].timestamp, 0x01000000);
  EXPECT_EQ(messages[1].timestamp, 0x02000000);
  EXPECT_EQ(messages[1].payload, B({3}));
}

TEST(ChunkDecoderTest, TimestampsAreUnwrappedPast32Bits) {
  ChunkDecoder decoder;
  FeedOk(decoder, Concat({Type0Header(0x04, 0xFFFFFF, 1, 8, 1), B({0xFF, 0xFF, 0xFF, 0xF0, 1})}));
  auto delta = FeedOk(decoder, B({0x84, 0, 0, 0x20, 2}));
  ASSERT_EQ(delta.size(), 1u);
  EXPECT_EQ(delta[0].timestamp, 0x100000010LL);
  // An absolute timestamp that wrapped continues the 64-bit clock too.
  auto absolute = FeedOk(decoder, Concat({Type0Header(0x04, 0x30, 1, 8, 1), B({3})}));
  ASSERT_EQ(absolute.size(), 1u);
  EXPECT_EQ(absolute[0].timestamp, 0x100000030LL);
}

TEST(ChunkDecoderTest, SetChunkSizeAppliesToTheChunksAfterIt) {
  ChunkDecoder decoder;
  Bytes payload = Filler(300);
  Bytes wire =
      Concat({Type0Header(0x02, 0, 4, 1, 0), B({0, 0, 1, 0}),  // chunk size 256
              Type0Header(0x06, 0, 300, 9, 1), Bytes(payload.begin(), payload.begin() + 256),
              B({0xC6}), Bytes(payload.begin() + 256, payload.end())});
  auto messages = FeedOk(decoder, wire);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].type, MessageType::kSetChunkSize);
  EXPECT_EQ(decoder.chunk_size(), 256u);
  EXPECT_EQ(messages[1].payload, payload);
}

TEST(ChunkDecoderTest, InterleavedChunkStreamsEachCompleteTheirOwnMessage) {
  ChunkDecoder decoder;
  Bytes video = Filler(200, 1);
  Bytes wire = Concat({Type0Header(0x06, 40, 200, 9, 1), Bytes(video.begin(), video.begin() + 128),
                       Type0Header(0x04, 41, 3, 8, 1), B({7, 8, 9}), B({0xC6}),
                       Bytes(video.begin() + 128, video.end())});
  auto messages = FeedOk(decoder, wire);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].type, MessageType::kAudio);
  EXPECT_EQ(messages[0].timestamp, 41);
  EXPECT_EQ(messages[1].type, MessageType::kVideo);
  EXPECT_EQ(messages[1].payload, video);
}

TEST(ChunkDecoderTest, AbortDiscardsThePartlyReceivedMessage) {
  ChunkDecoder decoder;
  Bytes wire = Concat({Type0Header(0x06, 0, 200, 9, 1), Filler(128), Type0Header(0x02, 0, 4, 2, 0),
                       B({0, 0, 0, 6}),  // Abort chunk stream 6
                       Type0Header(0x06, 10, 2, 9, 1), B({5, 5})});
  auto messages = FeedOk(decoder, wire);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].type, MessageType::kAbort);
  EXPECT_EQ(messages[1].payload, B({5, 5}));
  EXPECT_EQ(messages[1].timestamp, 10);
}

TEST(ChunkDecoderTest, AMessageIsReservedWholeAndTheReservationIsGivenBackPieceByPiece) {
  ChunkDecoder decoder;
  Bytes video = Filler(300, 2);
  auto first =
      FeedOk(decoder,
             Concat({Type0Header(0x06, 0, 300, 9, 1), Bytes(video.begin(), video.begin() + 128)}));
  EXPECT_TRUE(first.empty());
  EXPECT_EQ(decoder.unreceived_reserved(), 300u - 128u);
  FeedOk(decoder, Concat({B({0xC6}), Bytes(video.begin() + 128, video.begin() + 256)}));
  EXPECT_EQ(decoder.unreceived_reserved(), 300u - 256u);
  auto last = FeedOk(decoder, Concat({B({0xC6}), Bytes(video.begin() + 256, video.end())}));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].payload, video);
  EXPECT_EQ(decoder.unreceived_reserved(), 0u);
  // A message of one chunk reserves nothing.
  FeedOk(decoder, Concat({Type0Header(0x04, 0, 3, 8, 1), B({1, 2, 3})}));
  EXPECT_EQ(decoder.unreceived_reserved(), 0u);
}

TEST(ChunkDecoderTest, ReservationsStayWithinTheBudgetAndAnAbortGivesThemBack) {
  // Messages declared at the size limit, one chunk of each sent: the peer sent little, so the
  // decoder reserves at most kReserveBudget for all of them together.
  ChunkDecoder decoder;
  const uint32_t length = 8 * 1024 * 1024;
  for (uint32_t csid = 3; csid < 40; ++csid) {
    FeedOk(decoder, Concat({Type0Header(csid, 0, length, 9, 1), Filler(128)}));
    EXPECT_LE(decoder.unreceived_reserved(), kReserveBudget);
  }
  EXPECT_EQ(decoder.unreceived_reserved(), kMaxReserve - 128);  // the first got it, the rest not
  FeedOk(decoder, Concat({Type0Header(0x02, 0, 4, 2, 0), B({0, 0, 0, 3})}));  // Abort stream 3
  EXPECT_EQ(decoder.unreceived_reserved(), 0u);
}

TEST(ChunkDecoderTest, TwoAndThreeByteBasicHeadersCarryLargeChunkStreamIds) {
  ChunkDecoder decoder;
  Bytes two_header = Type0Header(0, 1, 1, 8, 1);
  Bytes two =
      Concat({B({0x00, 100 - 64}), Bytes(two_header.begin() + 1, two_header.end()), B({1})});
  Bytes three_header = Type0Header(0, 2, 1, 8, 1);
  Bytes three = Concat({B({0x01, (65599 - 64) & 0xFF, (65599 - 64) >> 8}),
                        Bytes(three_header.begin() + 1, three_header.end()), B({2})});
  auto messages = FeedOk(decoder, Concat({two, three}));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].chunk_stream_id, 100u);
  EXPECT_EQ(messages[1].chunk_stream_id, 65599u);
}

TEST(ChunkDecoderTest, EmptyMessageCompletesAtItsHeader) {
  ChunkDecoder decoder;
  auto messages = FeedOk(decoder, Type0Header(0x03, 0, 0, 20, 0));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].payload.empty());
}

TEST(ChunkDecoderTest, MessagesSplitAtEveryByteDecodeTheSame) {
  Bytes payload = Filler(300);
  Bytes wire =
      Concat({Type0Header(0x06, 0xFFFFFF, 300, 9, 1), B({0, 1, 0, 0}),
              Bytes(payload.begin(), payload.begin() + 128), B({0xC6, 0, 1, 0, 0}),
              Bytes(payload.begin() + 128, payload.begin() + 256), B({0xC6, 0, 1, 0, 0}),
              Bytes(payload.begin() + 256, payload.end()), B({0x46, 0, 0, 5, 0, 0, 1, 8, 9})});
  ChunkDecoder decoder;
  std::vector<RtmpMessage> messages;
  for (uint8_t byte : wire) {
    auto some = FeedOk(decoder, Bytes{byte});
    for (auto& m : some) messages.push_back(std::move(m));
    EXPECT_LE(decoder.buffered_bytes(), 128u + 18u);
  }
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].payload, payload);
  EXPECT_EQ(messages[0].timestamp, 0x10000);
  EXPECT_EQ(messages[1].timestamp, 0x10005);
}

TEST(ChunkDecoderTest, MessageOverTheSizeLimitIsAProtocolError) {
  ChunkDecoder decoder(ChunkDecoderLimits{65536, 100, 64});
  auto result = decoder.Feed(Type0Header(0x06, 0, 101, 9, 1));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kProtocolError);
  // The error is final.
  EXPECT_FALSE(decoder.Feed(Type0Header(0x06, 0, 1, 9, 1)).has_value());
}

TEST(ChunkDecoderTest, SetChunkSizeAboveTheLimitOrZeroIsAProtocolError) {
  for (Bytes size : {B({0, 1, 0, 1}), B({0, 0, 0, 0}), B({0x80, 0, 0, 0x80})}) {
    ChunkDecoder decoder(ChunkDecoderLimits{65536, 1 << 20, 64});
    auto result = decoder.Feed(Concat({Type0Header(0x02, 0, 4, 1, 0), size}));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kProtocolError);
  }
}

TEST(ChunkDecoderTest, Type1HeaderOnAnUnknownChunkStreamIsAProtocolError) {
  ChunkDecoder decoder;
  auto result = decoder.Feed(B({0x45, 0, 0, 0, 0, 0, 1, 8, 1}));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kProtocolError);
}

TEST(ChunkDecoderTest, NewHeaderInsideAMessageIsAProtocolError) {
  ChunkDecoder decoder;
  auto result = decoder.Feed(Concat(
      {Type0Header(0x06, 0, 200, 9, 1), Filler(128), Type0Header(0x06, 0, 2, 9, 1), B({1, 2})}));
  EXPECT_FALSE(result.has_value());
}

TEST(ChunkDecoderTest, TooManyChunkStreamsIsAProtocolError) {
  ChunkDecoder decoder(ChunkDecoderLimits{65536, 1 << 20, 2});
  auto result =
      decoder.Feed(Concat({Type0Header(0x04, 0, 1, 8, 1), B({1}), Type0Header(0x05, 0, 1, 8, 1),
                           B({1}), Type0Header(0x06, 0, 1, 8, 1), B({1})}));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kProtocolError);
}

TEST(ChunkDecoderTest, EveryPrefixOfValidInputNeedsMoreDataOrDecodes) {
  Bytes payload = Filler(300);
  Bytes wire = Concat({Type0Header(0x06, 0xFFFFFF, 300, 9, 1), B({0, 1, 0, 0}),
                       Bytes(payload.begin(), payload.begin() + 128), B({0xC6, 0, 1, 0, 0}),
                       Bytes(payload.begin() + 128, payload.begin() + 256), B({0xC6, 0, 1, 0, 0}),
                       Bytes(payload.begin() + 256, payload.end())});
  for (size_t n = 0; n < wire.size(); ++n) {
    ChunkDecoder decoder;
    auto messages = decoder.Feed(std::span<const uint8_t>(wire).first(n));
    ASSERT_TRUE(messages.has_value()) << n;
    EXPECT_TRUE(messages->empty()) << n;
  }
}

TEST(ChunkDecoderTest, RandomBytesGiveMessagesOrAnErrorNeverACrash) {
  size_t errors = 0;
  for (const auto& buffer : testing::RandomBuffers(2000, 4096, 42)) {
    ChunkDecoder decoder(ChunkDecoderLimits{65536, 1 << 20, 64});
    auto half = buffer.size() / 2;
    auto first = decoder.Feed(std::span<const uint8_t>(buffer).first(half));
    auto second = decoder.Feed(std::span<const uint8_t>(buffer).subspan(half));
    if (!first || !second) ++errors;
    EXPECT_LE(decoder.buffered_bytes(), 65536u + 18u);
  }
  EXPECT_GT(errors, 0u);  // random input is mostly rejected
}

}  // namespace
}  // namespace liverec::media::rtmp
