// Test-only helpers for the relay worker tests: a private nginx-rtmp (the reference RTMP
// server the tests compare against) on a free 127.0.0.1 port, media files made by the
// ffmpeg CLI, ffprobe readings of what the destination recorded, and a thread-safe log of a
// pipeline's events with bounded waits. Header-only; used by *_test.cc only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "relay/worker/relay_pipeline.h"
#include "testing/temp_dir.h"

namespace liverec::relay::worker::test_support {

inline constexpr const char* kNginx = "/usr/sbin/nginx";
inline constexpr const char* kRtmpModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

inline bool HaveFfmpeg() { return std::system("ffmpeg -version >/dev/null 2>&1") == 0; }
inline bool HaveNginxRtmp() {
  return std::filesystem::exists(kNginx) && std::filesystem::exists(kRtmpModule);
}

inline std::optional<std::string> Capture(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) out.append(buffer, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

// A TCP port on 127.0.0.1 that was free a moment ago.
inline int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

inline bool CanConnect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

// A fresh directory, removed on destruction.
using TempDir = ::liverec::testing::TempDir;

// nginx + nginx-rtmp in one process under `dir`: application `a` relays live only,
// application `b` also records every stream to `dir`/rec/<stream>.flv.
class NginxRtmp {
 public:
  explicit NginxRtmp(const std::string& dir) : dir_(dir), port_(FreePort()) {
    std::filesystem::create_directories(dir_ + "/rec");
    std::ofstream(dir_ + "/nginx.conf")
        << "load_module " << kRtmpModule << ";\n"
        << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
        << "error_log " << dir_ << "/error.log;\npid " << dir_ << "/nginx.pid;\n"
        << "events { worker_connections 256; }\n"
        << "rtmp { server { listen 127.0.0.1:" << port_ << ";\n"
        << "  application a { live on; }\n"
        << "  application b { live on; record all; record_unique off; record_path " << dir_
        << "/rec; }\n} }\n";
    pid_ = fork();
    if (pid_ == 0) {
      execl(kNginx, kNginx, "-p", dir_.c_str(), "-e", (dir_ + "/error.log").c_str(), "-c",
            (dir_ + "/nginx.conf").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!CanConnect(port_) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~NginxRtmp() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  bool Up() const { return CanConnect(port_); }
  std::string Url(const std::string& app, const std::string& stream) const {
    return "rtmp://127.0.0.1:" + std::to_string(port_) + "/" + app + "/" + stream;
  }
  std::string Recording(const std::string& stream) const {
    return dir_ + "/rec/" + stream + ".flv";
  }

 private:
  std::string dir_;
  int port_;
  pid_t pid_ = -1;
};

// `seconds` of 25 fps test pattern (a keyframe every second) and a tone, as `path` (.mp4/.flv).
inline void MakeMedia(const std::string& path, int seconds, const std::string& size = "320x240",
                      const std::string& video_codec = "libx264") {
  const std::string command =
      "ffmpeg -v error -y -f lavfi -i testsrc2=size=" + size +
      ":rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 -t " + std::to_string(seconds) +
      " -c:v " + video_codec + " -g 25 -pix_fmt yuv420p " +
      (video_codec == "libx264" ? "-preset ultrafast -bf 2 -sc_threshold 0 " : "") +
      "-c:a aac -ac 2 '" + path + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// DTS and PTS (seconds) of every packet of stream `selector` ("v:0", "a:0") of `path`.
struct Timestamps {
  std::vector<double> dts;
  double end = 0;  // largest PTS + duration
  double start = 0;
};
inline Timestamps ReadTimestamps(const std::string& path, const std::string& selector) {
  Timestamps out;
  auto text =
      Capture("ffprobe -v error -select_streams " + selector +
              " -show_entries packet=dts_time,pts_time,duration_time -of csv=p=0 '" + path + "'");
  if (!text) return out;
  std::istringstream lines(*text);
  bool first = true;
  for (std::string line; std::getline(lines, line);) {
    double pts = 0, dts = 0, duration = 0;
    if (std::sscanf(line.c_str(), "%lf,%lf,%lf", &pts, &dts, &duration) < 2) continue;
    out.dts.push_back(dts);
    if (first || pts < out.start) out.start = pts;
    out.end = std::max(out.end, pts + duration);
    first = false;
  }
  return out;
}

// Waits (bounded) until the file at `path` exists and has not grown for 300 ms.
inline void WaitForQuietFile(const std::string& path, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::uintmax_t last = 0;
  auto since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    const auto now = std::chrono::steady_clock::now();
    if (error || size != last) {
      last = error ? 0 : size;
      since = now;
    } else if (now - since >= std::chrono::milliseconds(300)) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Collects a pipeline's events; waits are bounded.
class EventLog {
 public:
  using Kind = RelayPipeline::Event::Kind;
  RelayPipeline::Listener Listener() {
    return [this](const RelayPipeline::Event& event) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
      changed_.notify_all();
    };
  }
  // The first event of `kind`, waiting up to `limit` for it.
  std::optional<RelayPipeline::Event> WaitFor(Kind kind, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    std::optional<RelayPipeline::Event> found;
    changed_.wait_for(lock, limit, [&] {
      for (const auto& event : events_) {
        if (event.kind == kind) found = event;
        if (found) return true;
      }
      return false;
    });
    return found;
  }
  std::vector<RelayPipeline::Event> All() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<RelayPipeline::Event> events_;
};

}  // namespace liverec::relay::worker::test_support
