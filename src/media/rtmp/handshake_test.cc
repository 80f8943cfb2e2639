#include "media/rtmp/handshake.h"

#include <gtest/gtest.h>

#include "base/crypto.h"
#include "media/rtmp/byte_io.h"
#include "media/rtmp/rtmp_test_util.h"

namespace liverec::media::rtmp {
namespace {

using testing::Bytes;

// Runs a client against a server, handing bytes over in pieces of `step`.
void Exchange(ClientHandshake& client, ServerHandshake& server, size_t step) {
  Bytes c0c1 = client.Start();
  for (size_t i = 0; i < c0c1.size(); i += step) {
    auto part = std::span<const uint8_t>(c0c1).subspan(i, std::min(step, c0c1.size() - i));
    auto used = server.Feed(part);
    ASSERT_TRUE(used.has_value());
    ASSERT_EQ(*used, part.size());
  }
  Bytes s0s1s2 = server.TakeOutput();
  ASSERT_EQ(s0s1s2.size(), 1 + 2 * kHandshakeSize);
  for (size_t i = 0; i < s0s1s2.size(); i += step) {
    auto part = std::span<const uint8_t>(s0s1s2).subspan(i, std::min(step, s0s1s2.size() - i));
    auto used = client.Feed(part);
    ASSERT_TRUE(used.has_value()) << used.error().ToString();
  }
  ASSERT_TRUE(client.done());
  Bytes c2 = client.TakeOutput();
  ASSERT_EQ(c2.size(), kHandshakeSize);
  Bytes c2_and_more = c2;
  c2_and_more.insert(c2_and_more.end(), {0x03, 0x00});  // the chunk stream follows at once
  auto used = server.Feed(c2_and_more);
  ASSERT_TRUE(used.has_value());
  EXPECT_EQ(*used, kHandshakeSize);
  EXPECT_TRUE(server.done());
}

TEST(HandshakeTest, PlainClientGetsS2EchoingC1) {
  SeededRandom random(1);
  ClientHandshake client(random, HandshakeVariant::kPlain);
  ServerHandshake server(random);
  Bytes c0c1 = client.Start();
  ASSERT_EQ(c0c1.size(), 1 + kHandshakeSize);
  EXPECT_EQ(c0c1[0], 3);
  ASSERT_TRUE(server.Feed(c0c1).has_value());
  Bytes reply = server.TakeOutput();
  ASSERT_EQ(reply.size(), 1 + 2 * kHandshakeSize);
  EXPECT_EQ(reply[0], 3);
  EXPECT_FALSE(server.digest_variant());
  EXPECT_EQ(reply[5], 0);  // S1 version zero: the plain variant
  EXPECT_TRUE(std::equal(c0c1.begin() + 1, c0c1.end(), reply.begin() + 1 + kHandshakeSize));
}

TEST(HandshakeTest, PlainHandshakeCompletesAtAnySplit) {
  for (size_t step : {1u, 7u, 1536u, 5000u}) {
    SeededRandom random(step);
    ClientHandshake client(random, HandshakeVariant::kPlain);
    ServerHandshake server(random);
    Exchange(client, server, step);
    EXPECT_FALSE(client.server_digest_verified());
  }
}

TEST(HandshakeTest, DigestClientGetsADigestS1AndAnS2SignedFromItsDigest) {
  for (size_t step : {1u, 100u, 5000u}) {
    SeededRandom random(step + 10);
    ClientHandshake client(random, HandshakeVariant::kDigest);
    ServerHandshake server(random);
    Exchange(client, server, step);
    EXPECT_TRUE(server.digest_variant());
    EXPECT_TRUE(client.server_digest_verified());
  }
}

TEST(HandshakeTest, DigestIsFoundInBothSchemas) {
  SeededRandom random(3);
  for (DigestSchema schema : {DigestSchema::kKeyFirst, DigestSchema::kDigestFirst}) {
    Bytes c1(kHandshakeSize);
    random.Fill(c1);
    ImprintDigest(c1, schema, FlashPlayerKey(false));
    auto found = FindDigest(c1, FlashPlayerKey(false));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->schema, schema);
    EXPECT_EQ(found->offset, DigestOffset(c1, schema));
    // The server answers in the same schema, with the Media Server key.
    ServerHandshake server(random);
    Bytes c0c1{3};
    c0c1.insert(c0c1.end(), c1.begin(), c1.end());
    ASSERT_TRUE(server.Feed(c0c1).has_value());
    Bytes reply = server.TakeOutput();
    auto s1 = std::span<const uint8_t>(reply).subspan(1, kHandshakeSize);
    auto s1_digest = FindDigest(s1, FlashMediaServerKey(false));
    ASSERT_TRUE(s1_digest.has_value());
    EXPECT_EQ(s1_digest->schema, schema);
    auto s2 = std::span<const uint8_t>(reply).subspan(1 + kHandshakeSize);
    std::string signature = ResponseSignature(
        s2, FlashMediaServerKey(true), std::span<const uint8_t>(c1).subspan(found->offset, 32));
    EXPECT_EQ(signature, AsStringView(s2.last(32)));
  }
}

TEST(HandshakeTest, CorruptedDigestFallsBackToThePlainVariant) {
  SeededRandom random(4);
  ClientHandshake client(random, HandshakeVariant::kDigest);
  Bytes c0c1 = client.Start();
  size_t offset =
      DigestOffset(std::span<const uint8_t>(c0c1).subspan(1), DigestSchema::kDigestFirst);
  c0c1[1 + offset] ^= 0xFF;
  ServerHandshake server(random);
  ASSERT_TRUE(server.Feed(c0c1).has_value());
  EXPECT_FALSE(server.digest_variant());
}

TEST(HandshakeTest, ClientRejectsABadS2Signature) {
  SeededRandom random(5);
  ClientHandshake client(random, HandshakeVariant::kDigest);
  ServerHandshake server(random);
  ASSERT_TRUE(server.Feed(client.Start()).has_value());
  Bytes reply = server.TakeOutput();
  reply.back() ^= 1;
  auto used = client.Feed(reply);
  ASSERT_FALSE(used.has_value());
  EXPECT_EQ(used.error().code(), ErrorCode::kProtocolError);
}

TEST(HandshakeTest, VersionOtherThan3IsRejectedAtTheFirstByte) {
  for (uint8_t version : {0, 6, 0x16, 0xFF}) {
    SeededRandom random(6);
    ServerHandshake server(random);
    auto used = server.Feed(Bytes{version});
    ASSERT_FALSE(used.has_value());
    EXPECT_EQ(used.error().code(), ErrorCode::kProtocolError);
    EXPECT_FALSE(server.Feed(Bytes{3}).has_value());  // final
  }
}

TEST(HandshakeTest, RandomBytesNeverCrashTheServerHandshake) {
  SeededRandom random(7);
  for (const auto& buffer : testing::RandomBuffers(2000, 4000, 11)) {
    ServerHandshake server(random);
    auto used = server.Feed(buffer);
    if (used) {
      EXPECT_LE(*used, buffer.size());
    }
  }
}

}  // namespace
}  // namespace liverec::media::rtmp
