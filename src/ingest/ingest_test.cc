#include <gtest/gtest.h>

#include "ingest/ingest_auth.h"
#include "ingest/stream_identity.h"
#include "ingest/stream_registry.h"

namespace liverec::ingest {
namespace {

TEST(IngestAuthTest, MatchesTheWorkedExampleOfTheDocs) {
  EXPECT_EQ(MakeAuthKey("/live/s1", 1700000000, "0", "0", "abc"),
            "1700000000-0-0-09bb6bc8a1b2ef40477f58f723354b61");
}

TEST(IngestAuthTest, AcceptsPrimaryAndSecondaryWithinValidity) {
  config::IngestAuthConfig auth{"primary1", "secondary1", 60};
  auto key1 = MakeAuthKey("/live/s1", 1000, "r", "0", "primary1");
  auto key2 = MakeAuthKey("/live/s1", 1000, "r", "0", "secondary1");
  EXPECT_TRUE(VerifyAuthKey(auth, "/live/s1", key1, 1000).ok());
  EXPECT_TRUE(VerifyAuthKey(auth, "/live/s1", key2, 1060).ok());
}

TEST(IngestAuthTest, RefusesMissingMalformedExpiredAndWrongTokens) {
  config::IngestAuthConfig auth{"primary1", "", 60};
  auto good = MakeAuthKey("/live/s1", 1000, "r", "0", "primary1");
  EXPECT_NE(VerifyAuthKey(auth, "/live/s1", "", 1000).Message().find("missing"), std::string::npos);
  EXPECT_NE(VerifyAuthKey(auth, "/live/s1", "1000-r-0", 1000).Message().find("malformed"),
            std::string::npos);
  EXPECT_NE(VerifyAuthKey(auth, "/live/s1", good, 1061).Message().find("expired"),
            std::string::npos);
  EXPECT_NE(VerifyAuthKey(auth, "/live/s2", good, 1000).Message().find("wrong"), std::string::npos);
  auto other = MakeAuthKey("/live/s1", 1000, "r", "0", "another");
  EXPECT_FALSE(VerifyAuthKey(auth, "/live/s1", other, 1000).ok());
}

TEST(StreamIdentityTest, VhostArgumentWinsOverTheTcUrlHost) {
  auto id = ResolveIdentity("rtmp://127.0.0.1:1935/live", "live", "", "s1",
                            "vhost=A.example.com&auth_key=x", {});
  EXPECT_EQ(id.domain, "a.example.com");
  EXPECT_EQ(id.app, "live");
  EXPECT_EQ(id.stream, "s1");
  EXPECT_EQ(id.args.at("auth_key"), "x");
  EXPECT_EQ(id.uri(), "/live/s1");
  EXPECT_EQ(id.query, "vhost=A.example.com&auth_key=x") << "the query as sent";
}

TEST(StreamIdentityTest, TcUrlHostAndAliasesAndAppQuery) {
  std::map<std::string, std::string> aliases{{"push.example.com", "live.example.com"}};
  auto aliased = ResolveIdentity("rtmp://Push.Example.com/live", "live", "", "s", "", aliases);
  EXPECT_EQ(aliased.domain, "live.example.com");
  EXPECT_EQ(aliased.ingest_domain, "push.example.com") << "the name the publisher used";
  EXPECT_EQ(ResolveIdentity("rtmp://h/live", "live", "", "s", "vhost=v.com", {}).ingest_domain,
            "v.com");
  EXPECT_EQ(ResolveIdentity("rtmp://h/live?vhost=v.com", "live", "vhost=v.com", "s", "", {}).domain,
            "v.com");
  EXPECT_EQ(TcUrlHost("rtmp://[::1]:1935/live"), "::1");
  EXPECT_EQ(TcUrlHost("not a url"), "");
}

TEST(StreamRegistryTest, SecondAcquireOfALiveStreamFails) {
  StreamRegistry registry;
  LiveStream s1{"acct", "a", "live", "s1"};
  EXPECT_TRUE(registry.TryAcquire(s1));
  EXPECT_FALSE(registry.TryAcquire(s1));
  registry.Release("a/live/s1");
  EXPECT_TRUE(registry.TryAcquire(s1));
}

}  // namespace
}  // namespace liverec::ingest
