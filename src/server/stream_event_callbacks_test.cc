#include "server/stream_event_callbacks.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace liverec::server {
namespace {

class FakeNotifier final : public callbacks::StreamEventNotifier {
 public:
  Result<std::string> Published(const callbacks::StreamEventInfo& info) override {
    seen.push_back("publish");
    last = info;
    return std::string("id");
  }
  Result<std::string> PublishDone(const callbacks::StreamEventInfo& info) override {
    seen.push_back("publish_done");
    last = info;
    return Error(ErrorCode::kInternalError, "", "database is gone");  // logged, not thrown
  }
  std::vector<std::string> seen;
  callbacks::StreamEventInfo last;
};

TEST(StreamEventCallbacksTest, EventsArePostedInOrderAndCarryThePublishersDetails) {
  FakeNotifier notifier;
  std::deque<std::function<void()>> queue;
  StreamEventCallbacks sink(notifier,
                            [&](std::function<void()> task) { queue.push_back(std::move(task)); });
  ingest::PublishInfo info;
  info.identity.domain = "example.com";
  info.identity.ingest_domain = "push.example.com";
  info.identity.app = "live";
  info.identity.stream = "s1";
  info.identity.query = "vhost=push.example.com&k=v";
  info.account_id = "acct";
  info.peer = "::1:50123";
  sink.Published(3, info, 1'000'000, 640, 360);
  sink.PublishDone(3, info, 5'000'000);
  EXPECT_TRUE(notifier.seen.empty()) << "nothing runs on the calling (I/O) thread";
  ASSERT_EQ(queue.size(), 2u);
  queue.front()();
  EXPECT_EQ(notifier.last.publish_id, 3u);
  EXPECT_EQ(notifier.last.client_ip, "::1") << "the port is cut, IPv6 too";
  EXPECT_EQ(notifier.last.ingest_domain, "push.example.com");
  EXPECT_EQ(notifier.last.usrargs, "vhost=push.example.com&k=v");
  EXPECT_EQ(notifier.last.time_ms, 1'000'000);
  EXPECT_EQ(notifier.last.width, 640);
  EXPECT_EQ(notifier.last.height, 360);
  queue.back()();
  EXPECT_EQ(notifier.seen, (std::vector<std::string>{"publish", "publish_done"}));
  EXPECT_EQ(notifier.last.time_ms, 5'000'000);
  EXPECT_EQ(notifier.last.width, 0);
}

TEST(StreamEventCallbacksTest, ListenIpNamesOneAddressOrNone) {
  EXPECT_EQ(ListenIp("127.0.0.1:1935"), "127.0.0.1");
  EXPECT_EQ(ListenIp("[::1]:1935"), "::1");
  EXPECT_EQ(ListenIp("0.0.0.0:1935"), "") << "a wildcard is no address";
  EXPECT_EQ(ListenIp("[::]:0"), "");
  EXPECT_FALSE(NodeName().empty());
}

}  // namespace
}  // namespace liverec::server
