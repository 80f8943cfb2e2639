#include "relay/relay_url_policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/temp_dir.h"

namespace liverec::relay {
namespace {

using callbacks::UrlVerdict;

class RelayUrlPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(root_ / "media");
    std::ofstream(root_ / "media" / "a.mp4") << "x";
    std::ofstream(root_ / "secret.mp4") << "x";
    policy_.media_root = (root_ / "media").string();
    // Names resolve to a public address; literals are judged as they are.
    policy_.resolve = [](const std::string& host) {
      return host == "internal.example.com" ? std::vector<std::string>{"10.1.2.3"}
                                            : std::vector<std::string>{"203.0.113.5"};
    };
  }

  UrlVerdict Source(std::string_view type, std::string_view protocol, const std::string& url) {
    return CheckSourceUrl(type, protocol, url, policy_).verdict;
  }

  testing::TempDir dir_{"relay-url"};
  const std::filesystem::path& root_ = dir_.path();
  UrlPolicy policy_;
};

TEST_F(RelayUrlPolicyTest, EachLiveProtocolAcceptsOnlyItsSchemes) {
  EXPECT_EQ(Source("live", "rtmp", "rtmp://src.example.com/live/s"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "rtmp", "rtmps://src.example.com:443/live/s"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "rtmp", "http://src.example.com/live/s.flv"), UrlVerdict::kMalformed);
  EXPECT_EQ(Source("live", "srt", "srt://src.example.com:9000?streamid=x"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "srt", "rtmp://src.example.com/live/s"), UrlVerdict::kMalformed);
  EXPECT_EQ(Source("live", "http-flv", "https://src.example.com/live/s.flv"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "flv", "https://src.example.com/live/s.flv"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "flv", "rtmp://src.example.com/live/s"), UrlVerdict::kMalformed);
  EXPECT_EQ(Source("live", "hls", "http://src.example.com/live/s.m3u8"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "hls", "file:///media/a.m3u8"), UrlVerdict::kMalformed);
  EXPECT_EQ(Source("live", "rtsp", "rtsp://cam.example.com:8554/live/s?x=1"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "rtsp", "rtsp://cam.example.com/s"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "rtsp", "http://cam.example.com/s"), UrlVerdict::kMalformed);
  EXPECT_EQ(Source("live", "rtmp", "rtsp://cam.example.com/live/s"), UrlVerdict::kMalformed);
  EXPECT_EQ(Source("url", "", "https://files.example.com/a.mp4"), UrlVerdict::kOk);
  EXPECT_EQ(Source("url", "", "rtmp://files.example.com/a/b"), UrlVerdict::kMalformed);
  EXPECT_EQ(Source("url", "", "ftp://files.example.com/a.mp4"), UrlVerdict::kMalformed);
}

TEST_F(RelayUrlPolicyTest, RtspOverTlsIsRefusedWithAReason) {
  auto check = CheckSourceUrl("live", "rtsp", "rtsps://cam.example.com/live/s", policy_);
  EXPECT_EQ(check.verdict, UrlVerdict::kMalformed);
  EXPECT_EQ(check.detail, "rtsps:// is not supported; use rtsp://");
  EXPECT_EQ(Source("live", "rtsp", "rtsp://user:pw@cam.example.com/s"), UrlVerdict::kMalformed);
}

TEST_F(RelayUrlPolicyTest, MalformedUrlsAreRefusedWithAReason) {
  for (const std::string url :
       {"", "rtmp://", "rtmp:///live/s", "rtmp://src.example.com", "rtmp://src.example.com/live",
        "rtmp://src.example.com//s", "rtmp://user@src.example.com/live/s",
        "rtmp://src.example.com:99999/live/s", "rtmp://src example.com/live/s",
        "rtmp:src.example.com/live/s", "rtmp://src.example.com/live/s\n"}) {
    auto check = CheckSourceUrl("live", "rtmp", url, policy_);
    EXPECT_EQ(check.verdict, UrlVerdict::kMalformed) << url;
    EXPECT_FALSE(check.detail.empty()) << url;
  }
  EXPECT_EQ(Source("live", "rtmp", "rtmp://src.example.com/live/" + std::string(2000, 's')),
            UrlVerdict::kMalformed);
}

TEST_F(RelayUrlPolicyTest, PrivateAndLoopbackHostsAreRefusedUnlessAllowed) {
  for (const std::string url :
       {"rtmp://127.0.0.1/live/s", "rtmp://localhost:1935/live/s", "rtmp://10.0.0.8/live/s",
        "rtmp://[::1]:1935/live/s", "rtmp://internal.example.com/live/s",
        "rtmp://169.254.169.254/live/s", "rtmp://[64:ff9b::7f00:1]/live/s",
        "rtmp://[2002:7f00:1::]:1935/live/s", "rtmp://[::ffff:0:7f00:1]/live/s",
        "rtmp://[100::1]/live/s"}) {
    EXPECT_EQ(Source("live", "rtmp", url), UrlVerdict::kUnsafe) << url;
    EXPECT_EQ(CheckDstUrl(url, policy_).verdict, UrlVerdict::kUnsafe) << url;
  }
  EXPECT_EQ(Source("live", "srt", "srt://192.168.1.2:9000"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("live", "rtsp", "rtsp://192.168.1.64:554/stream1"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("live", "rtsp", "rtsp://internal.example.com/s"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("live", "hls", "http://127.0.0.1:8080/a.m3u8"), UrlVerdict::kUnsafe);
  policy_.allow_private_addresses = true;
  EXPECT_EQ(Source("live", "rtmp", "rtmp://127.0.0.1:1935/live/s"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "rtsp", "rtsp://192.168.1.64:554/stream1"), UrlVerdict::kOk);
  EXPECT_EQ(CheckDstUrl("rtmp://127.0.0.1:1935/live/s", policy_).verdict, UrlVerdict::kOk);
}

TEST_F(RelayUrlPolicyTest, AddressesDeclaredPublicForTestsAreAcceptedAndNoOthers) {
  policy_.public_addresses = {"127.0.0.2", "::2"};
  EXPECT_EQ(Source("live", "http-flv", "http://127.0.0.2:8080/live.flv"), UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "http-flv", "http://[::ffff:127.0.0.2]:8080/live.flv"), UrlVerdict::kOk);
  EXPECT_EQ(CheckDstUrl("rtmp://[::2]:1935/live/s", policy_).verdict, UrlVerdict::kOk);
  EXPECT_EQ(Source("live", "http-flv", "http://127.0.0.1:8080/live.flv"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("live", "http-flv", "http://127.0.0.3:8080/live.flv"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("live", "http-flv", "http://localhost:8080/live.flv"), UrlVerdict::kUnsafe);
  EXPECT_FALSE(AddressRefused(policy_, "127.0.0.2"));
  EXPECT_TRUE(AddressRefused(policy_, "127.0.0.1"));
  EXPECT_FALSE(AddressRefused(policy_, "203.0.113.5"));
}

TEST_F(RelayUrlPolicyTest, ConnectTimeResolutionReturnsOnlyCheckedAddresses) {
  int lookups = 0;
  policy_.resolve = [&](const std::string& host) -> std::vector<std::string> {
    ++lookups;
    if (host == "cdn.example.com") return {"203.0.113.5", "2001:db8::5"};
    if (host == "mixed.example.com") return {"203.0.113.5", "10.0.0.9"};
    return {};
  };
  auto addresses = ResolveAllowed("cdn.example.com", policy_);
  ASSERT_TRUE(addresses.has_value()) << addresses.error();
  EXPECT_EQ(*addresses, (std::vector<std::string>{"203.0.113.5", "2001:db8::5"}));
  // One public address does not make a private one acceptable.
  auto mixed = ResolveAllowed("mixed.example.com", policy_);
  ASSERT_FALSE(mixed.has_value());
  EXPECT_NE(mixed.error().find("10.0.0.9"), std::string::npos);
  // A name that does not resolve cannot be connected to (at create time it is accepted).
  EXPECT_FALSE(ResolveAllowed("gone.example.com", policy_).has_value());
  EXPECT_EQ(CheckHost("gone.example.com", policy_).verdict, UrlVerdict::kOk);
  // Literals are their own address, without asking the resolver.
  lookups = 0;
  EXPECT_EQ(ResolveAllowed("198.51.100.7", policy_).value(),
            (std::vector<std::string>{"198.51.100.7"}));
  EXPECT_FALSE(ResolveAllowed("127.0.0.1", policy_).has_value());
  EXPECT_FALSE(ResolveAllowed("localhost", policy_).has_value());
  EXPECT_EQ(lookups, 0);
  policy_.allow_private_addresses = true;
  EXPECT_TRUE(ResolveAllowed("mixed.example.com", policy_).has_value());
}

TEST_F(RelayUrlPolicyTest, FileSourcesMustLieInsideTheMediaRoot) {
  std::string media = policy_.media_root;
  EXPECT_EQ(Source("url", "", "file://" + media + "/a.mp4"), UrlVerdict::kOk);
  EXPECT_EQ(Source("url", "", "file:" + media + "/a.mp4"), UrlVerdict::kOk);
  EXPECT_EQ(Source("url", "", "file:" + media + "/not-yet-there.flv"), UrlVerdict::kOk);
  EXPECT_EQ(Source("url", "", "file:" + media + "/../secret.mp4"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("url", "", "file:" + root_.string() + "/secret.mp4"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("url", "", "file:" + media + "-other/a.mp4"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("url", "", "file:/etc/passwd"), UrlVerdict::kUnsafe);
  EXPECT_EQ(Source("url", "", "file:relative/a.mp4"), UrlVerdict::kMalformed);
  EXPECT_EQ(Source("url", "", "file://host" + media + "/a.mp4"), UrlVerdict::kMalformed);
  // A link inside the root that points out of it is judged by its target.
  std::filesystem::create_symlink(root_ / "secret.mp4", root_ / "media" / "link.mp4");
  EXPECT_EQ(Source("url", "", "file:" + media + "/link.mp4"), UrlVerdict::kUnsafe);
  policy_.media_root.clear();
  auto check = CheckSourceUrl("url", "", "file:" + media + "/a.mp4", policy_);
  EXPECT_EQ(check.verdict, UrlVerdict::kUnsafe);
  EXPECT_NE(check.detail.find("media_root"), std::string::npos);
}

TEST_F(RelayUrlPolicyTest, TheDestinationIsAnRtmpUrl) {
  EXPECT_EQ(CheckDstUrl("rtmp://push.example.com/live/out?auth_key=1-0-0-abc", policy_).verdict,
            UrlVerdict::kOk);
  EXPECT_EQ(CheckDstUrl("rtmps://push.example.com/live/out", policy_).verdict,
            UrlVerdict::kMalformed);
  EXPECT_EQ(CheckDstUrl("srt://push.example.com:9000", policy_).verdict, UrlVerdict::kMalformed);
  EXPECT_EQ(CheckDstUrl("rtmp://push.example.com/live", policy_).verdict, UrlVerdict::kMalformed);
}

}  // namespace
}  // namespace liverec::relay
