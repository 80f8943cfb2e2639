#include "callbacks/url_safety.h"

#include <gtest/gtest.h>

namespace liverec::callbacks {
namespace {

std::vector<std::string> NoDns(const std::string&) { return {}; }

TEST(ParseHttpUrlTest, SplitsSchemeHostPortAndTarget) {
  auto url = ParseHttpUrl("HTTPS://Hooks.Example.NET:8443/a/b?x=1#frag");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "hooks.example.net");
  EXPECT_EQ(url->port, 8443);
  EXPECT_TRUE(url->explicit_port);
  EXPECT_EQ(url->target, "/a/b?x=1");
  auto bare = ParseHttpUrl("http://example.com");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->port, 80);
  EXPECT_FALSE(bare->explicit_port);
  EXPECT_EQ(bare->target, "/");
  auto v6 = ParseHttpUrl("http://[2001:db8::1]:81?q");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->port, 81);
  EXPECT_EQ(v6->target, "/?q");
}

TEST(ParseHttpUrlTest, RefusesWhatIsNotAnAbsoluteHttpUrl) {
  for (const char* bad :
       {"", "example.com/cb", "ftp://example.com/", "file:///etc/passwd", "http://", "http:///path",
        "http://exa mple.com/", "http://a.com/\n", "http://user:pw@example.com/",
        "http://example.com:0/", "http://example.com:65536/", "http://example.com:8o/",
        "http://example.com:/", "http://[::1/", "http://[zz::1]/", "http://exa$mple.com/",
        "http://a..b/", "javascript:alert(1)"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseHttpUrl("http://example.com/" + std::string(2100, 'a')).has_value());
}

TEST(IsNonPublicAddressTest, LoopbackPrivateLinkLocalAndFriendsAreNotPublic) {
  for (const char* a : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                        "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                        "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
                        "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
    EXPECT_TRUE(IsNonPublicAddress(a)) << a;
  }
  for (const char* a : {"8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "100.128.0.1",
                        "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "example.com"}) {
    EXPECT_FALSE(IsNonPublicAddress(a)) << a;
  }
}

TEST(IsNonPublicAddressTest, IPv6FormsCarryingAnIPv4AddressAreJudgedByIt) {
  for (const char* a :
       {"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::10.0.0.1", "64:ff9b:1::8.8.8.8",
        "64:ff9b:1:ffff::1", "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101:1::1",
        "::ffff:0:7f00:1", "::ffff:0:10.1.2.3", "::ffff:7f00:1", "::127.0.0.1", "::8.8.8.8"}) {
    EXPECT_TRUE(IsNonPublicAddress(a)) << a;
  }
  for (const char* a : {"64:ff9b::808:808", "64:ff9b::1.1.1.1", "2002:808:808::1",
                        "::ffff:0:808:808", "64:ff9a::7f00:1", "2003:7f00:1::"}) {
    EXPECT_FALSE(IsNonPublicAddress(a)) << a;
  }
}

TEST(IsNonPublicAddressTest, TheDiscardPrefixIsNotPublic) {
  EXPECT_TRUE(IsNonPublicAddress("100::1"));
  EXPECT_TRUE(IsNonPublicAddress("100::ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(IsNonPublicAddress("100:0:0:1::1"));
}

TEST(CheckCallbackUrlTest, LiteralPrivateHostsAreUnsafeUnlessAllowed) {
  for (const char* url :
       {"http://127.0.0.1:8080/cb", "http://[::1]/", "https://10.0.0.5/",
        "http://169.254.169.254/latest/meta-data", "http://localhost/",
        "http://api.localhost:9000/", "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/", "http://[::ffff:0:7f00:1]:8080/", "http://[100::1]/"}) {
    EXPECT_EQ(CheckCallbackUrl(url, false, NoDns).verdict, UrlVerdict::kUnsafe) << url;
    EXPECT_EQ(CheckCallbackUrl(url, true, NoDns).verdict, UrlVerdict::kOk) << url;
  }
}

TEST(CheckCallbackUrlTest, NamesResolvingToPrivateAddressesAreUnsafe) {
  auto resolver = [](const std::string& host) -> std::vector<std::string> {
    if (host == "internal.example.com") return {"203.0.113.7", "10.0.0.7"};
    if (host == "public.example.com") return {"203.0.113.7"};
    return {};
  };
  UrlCheck internal = CheckCallbackUrl("http://internal.example.com/", false, resolver);
  EXPECT_EQ(internal.verdict, UrlVerdict::kUnsafe);
  EXPECT_NE(internal.detail.find("10.0.0.7"), std::string::npos);
  EXPECT_EQ(CheckCallbackUrl("http://public.example.com/", false, resolver).verdict,
            UrlVerdict::kOk);
  EXPECT_EQ(CheckCallbackUrl("http://unknown.example.com/", false, resolver).verdict,
            UrlVerdict::kOk)
      << "a name that does not resolve yet is accepted; delivery checks again";
}

TEST(CheckCallbackUrlTest, MalformedWinsOverAllowPrivate) {
  EXPECT_EQ(CheckCallbackUrl("ftp://127.0.0.1/", true, NoDns).verdict, UrlVerdict::kMalformed);
  EXPECT_EQ(CheckCallbackUrl("not a url", false, NoDns).verdict, UrlVerdict::kMalformed);
}

TEST(SystemResolveTest, NumericFormsResolveToTheAddressCurlWouldUse) {
  // "2130706433" is 127.0.0.1 to getaddrinfo and curl: it must not slip past as a "name".
  auto addresses = SystemResolve("2130706433");
  ASSERT_FALSE(addresses.empty());
  EXPECT_EQ(addresses.front(), "127.0.0.1");
  EXPECT_EQ(CheckCallbackUrl("http://2130706433/", false, SystemResolve).verdict,
            UrlVerdict::kUnsafe);
}

}  // namespace
}  // namespace liverec::callbacks
