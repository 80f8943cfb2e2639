// What libavformat 5.1 does with a connection plan (egress/connect_plan.h): the connections it
// makes go to the planned proxy, with the names unresolved, for https, rtmps and every URL an HLS
// playlist leads to, and a playlist cannot make it open a file. A scripted proxy on 127.0.0.1
// answers; the names in the URLs do not exist, so nothing could work without the proxy.
#include "relay/worker/av_source.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace liverec::relay::worker {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// A proxy that reads each connection's request head, answers what `answer` returns for it and
// closes; it keeps the first line of every head.
class ScriptedProxy {
 public:
  explicit ScriptedProxy(std::function<std::string(const std::string& head)> answer)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        answer_(std::move(answer)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedProxy() {
    stopping_ = true;
    tcp::socket wake(io_);
    boost::system::error_code ec;
    wake.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url() const {
    return "http://relay:token@127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void Serve() {
    while (true) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      timeval tv{5, 0};
      setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string head;
      char c;
      while (!head.ends_with("\r\n\r\n") && socket.read_some(asio::buffer(&c, 1), ec) == 1) {
        head += c;
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(head.substr(0, head.find("\r\n")));
      }
      asio::write(socket, asio::buffer(answer_(head)), ec);
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::function<std::string(const std::string&)> answer_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

class RecordingGate final : public egress::ConnectionGate {
 public:
  tl::expected<egress::ConnectPlan, std::string> Plan(const std::string& url) override {
    return egress::ConnectPlan{url, {}, {}};
  }
  void NoteRefusal(const std::string& what, const std::string& why) override {
    refusals.push_back(what + ": " + why);
  }
  std::string TakeRefusals() override { return ""; }
  std::vector<std::string> refusals;
};

const std::string kForbidden =
    "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

RelayResult<std::unique_ptr<AvSource>> OpenThrough(SourceKind kind, const std::string& url,
                                                   const ScriptedProxy& proxy,
                                                   egress::ConnectionGate* gate = nullptr) {
  auto plan = egress::PlanConnection(url, UrlPolicy{}, proxy.url(), "");
  EXPECT_TRUE(plan.has_value());
  StopSignal stop;
  return AvSource::Open(kind, url, *plan, gate, RelayTimeouts{3s, 3s}, stop);
}

TEST(AvSourceEgressTest, HttpsAndRtmpsSourcesTunnelThroughThePlannedProxy) {
  ScriptedProxy proxy([](const std::string&) { return kForbidden; });
  EXPECT_FALSE(OpenThrough(SourceKind::kHttpFlv, "https://flv.invalid/live/a.flv", proxy));
  EXPECT_FALSE(OpenThrough(SourceKind::kRtmp, "rtmps://rtmps.invalid/live/s", proxy));
  EXPECT_EQ(proxy.requests(), (std::vector<std::string>{"CONNECT flv.invalid:443 HTTP/1.1",
                                                        "CONNECT rtmps.invalid:443 HTTP/1.1"}));
}

TEST(AvSourceEgressTest, EveryUrlAPlaylistLeadsToGoesThroughTheProxyAndFilesAreRefused) {
  const std::string playlist =
      "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
      "#EXTINF:2,\nhttp://segments.invalid/a.ts\n"
      "#EXTINF:2,\nfile:/etc/passwd.ts\n#EXT-X-ENDLIST\n";
  ScriptedProxy proxy([&](const std::string& head) {
    if (!head.starts_with("GET http://playlist.invalid:80/live.m3u8 ")) return kForbidden;
    return "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.apple.mpegurl\r\nContent-Length: " +
           std::to_string(playlist.size()) + "\r\nConnection: close\r\n\r\n" + playlist;
  });
  RecordingGate gate;
  EXPECT_FALSE(OpenThrough(SourceKind::kHls, "http://playlist.invalid/live.m3u8", proxy, &gate));
  auto requests = proxy.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[0], "GET http://playlist.invalid:80/live.m3u8 HTTP/1.1");
  EXPECT_EQ(requests[1], "GET http://segments.invalid:80/a.ts HTTP/1.1");
  for (const auto& request : requests) {
    EXPECT_EQ(request.find("passwd"), std::string::npos) << request;
  }
  ASSERT_EQ(gate.refusals.size(), 1u);
  EXPECT_EQ(gate.refusals[0],
            "open file:/etc/passwd.ts: a relay source may lead only to http(s) URLs");
}

// An RTSP server on 127.0.0.1 that redirects every request to `target`.
std::function<std::string(const std::string&)> RedirectTo(const ScriptedProxy& target) {
  const std::string location = "rtsp://127.0.0.1:" + std::to_string(target.port()) + "/elsewhere";
  return [location](const std::string&) {
    return "RTSP/1.0 302 Moved Temporarily\r\nCSeq: 1\r\nLocation: " + location + "\r\n\r\n";
  };
}

RelayResult<std::unique_ptr<AvSource>> OpenRtsp(const std::string& url, bool refuse_redirects,
                                                egress::ConnectionGate* gate = nullptr) {
  egress::ConnectPlan plan{url, {}, {}};
  plan.refuse_redirects = refuse_redirects;
  StopSignal stop;
  return AvSource::Open(SourceKind::kRtsp, url, plan, gate, RelayTimeouts{3s, 3s}, stop);
}

TEST(AvSourceRtspTest, LibavformatFollowsAnRtspRedirectByItselfUnlessThePlanRefusesIt) {
  // What the refusal guards against: libavformat 5.1 connects to the Location on its own.
  ScriptedProxy followed_target([](const std::string&) { return std::string(); });
  ScriptedProxy followed(RedirectTo(followed_target));
  const std::string url = "rtsp://127.0.0.1:" + std::to_string(followed.port()) + "/live";
  EXPECT_FALSE(OpenRtsp(url, false));
  EXPECT_EQ(followed.requests(), (std::vector<std::string>{"OPTIONS " + url + " RTSP/1.0"}));
  ASSERT_EQ(followed_target.requests().size(), 1u);
  EXPECT_TRUE(followed_target.requests()[0].starts_with("OPTIONS rtsp://127.0.0.1:"));

  ScriptedProxy target([](const std::string&) { return std::string(); });
  ScriptedProxy server(RedirectTo(target));
  const std::string pinned = "rtsp://127.0.0.1:" + std::to_string(server.port()) + "/live";
  RecordingGate gate;
  auto refused = OpenRtsp(pinned, true, &gate);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().failure, RelayFailure::kPullStreamFailed);
  const std::string location = "rtsp://127.0.0.1:" + std::to_string(target.port()) + "/elsewhere";
  EXPECT_EQ(refused.error().detail,
            "open " + pinned + ": the server redirects to " + location + ", which is not followed");
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"OPTIONS " + pinned + " RTSP/1.0"}));
  EXPECT_TRUE(target.requests().empty()) << target.requests()[0];
  EXPECT_EQ(
      gate.refusals,
      (std::vector<std::string>{"RTSP redirect to " + location +
                                ": redirects are not followed (the relay cannot check where they "
                                "lead)"}));
}

TEST(AvSourceRtspTest, AnRtspServerThatIsNotThereFailsAtOnce) {
  ScriptedProxy closed([](const std::string&) { return std::string(); });
  const std::string url = "rtsp://127.0.0.1:" + std::to_string(closed.port()) + "/live";
  const auto started = std::chrono::steady_clock::now();
  auto silent = OpenRtsp(url, true);  // answers nothing and closes: no RTSP server
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().failure, RelayFailure::kPullStreamFailed);
  EXPECT_TRUE(silent.error().detail.starts_with("open " + url + ": ")) << silent.error().detail;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

}  // namespace
}  // namespace liverec::relay::worker
