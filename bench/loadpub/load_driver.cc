#include "load_driver.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "load_stream.h"
#include "rtmp_url.h"
#include "steady_clock.h"

namespace liverec::loadpub {
namespace {

namespace asio = boost::asio;

struct CpuSample {
  double user_s = 0;
  double system_s = 0;
};

// utime and stime (fields 14 and 15 of proc(5) /proc/[pid]/stat), all threads.
CpuSample ReadOwnCpu() {
  std::ifstream file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CpuSample sample;
  size_t paren = text.rfind(')');
  if (paren == std::string::npos) return sample;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (int i = 3; i <= 15 && fields >> field; i++) {
    if (i == 14) sample.user_s = std::stod(field) / ticks;
    if (i == 15) sample.system_s = std::stod(field) / ticks;
  }
  return sample;
}

long MaxRssKb() {
  std::ifstream file("/proc/self/status");
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

class LoadDriver {
 public:
  LoadDriver(const LoadOptions& options, const MemoryFlv& flv)
      : options_(options), flv_(flv), timer_(io_), signals_(io_, SIGINT, SIGTERM) {}

  Status Open();
  nlohmann::json Run();

 private:
  void ScheduleTick();
  void OnTick();
  void StartDue(int64_t now);
  void ReportProgress(int64_t now);
  void BeginStop(const char* why);
  bool AllClosed() const;
  nlohmann::json Summary(double wall_s) const;

  const LoadOptions& options_;
  const MemoryFlv& flv_;
  SteadyClock clock_;
  OsRandom random_;
  asio::io_context io_;
  asio::steady_timer timer_;
  asio::signal_set signals_;
  std::vector<std::unique_ptr<LoadStream>> streams_;
  std::vector<std::string> urls_;
  asio::ip::tcp::endpoint endpoint_;
  int64_t start_ms_ = 0;
  int64_t stop_ms_ = -1;  // when BeginStop ran
  size_t started_ = 0;
  bool all_publishing_reported_ = false;
  int64_t next_progress_ms_ = 0;
  asio::steady_timer::time_point next_tick_;
  CpuSample cpu_all_publishing_;  // CPU when the last stream started publishing
  int64_t all_publishing_ms_ = -1;
  CpuSample cpu_stop_;
  std::string stop_reason_;
  uint64_t ticks_ = 0;
  int64_t max_tick_lag_ms_ = 0;
};

Status LoadDriver::Open() {
  std::optional<std::string> host;
  for (int i = 0; i < options_.streams; i++) {
    std::string url = StreamUrl(options_.url, options_.first_index + i);
    auto parsed = publish::ParseRtmpUrl(url);
    if (!parsed) return parsed.error().WithContext(url);
    if (!host) {
      boost::system::error_code error;
      auto address = asio::ip::make_address(parsed->host, error);
      if (error) return Status(ErrorCode::kInvalidParameter, "url", "host must be an IP address");
      endpoint_ = asio::ip::tcp::endpoint(address, parsed->port);
      host = parsed->host;
    }
    media::rtmp::PublishClientOptions client;
    client.tc_url = parsed->tc_url;
    client.app = parsed->app;
    client.stream = parsed->stream;
    client.chunk_size = options_.chunk_size;
    client.handshake = options_.plain_handshake ? media::rtmp::HandshakeVariant::kPlain
                                                : media::rtmp::HandshakeVariant::kDigest;
    streams_.push_back(std::make_unique<LoadStream>(io_, flv_, random_, clock_, client));
    urls_.push_back(url);
  }
  return Status::Ok();
}

nlohmann::json LoadDriver::Run() {
  start_ms_ = clock_.NowMs();
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (!error) BeginStop(signal == SIGINT ? "SIGINT" : "SIGTERM");
  });
  next_tick_ = asio::steady_timer::clock_type::now();
  OnTick();
  io_.run();
  double wall_s = static_cast<double>(clock_.NowMs() - start_ms_) / 1000.0;
  return Summary(wall_s);
}

// One timer for every stream; the next tick is due one period after the previous one was due,
// so the pace does not drift with the time a tick takes.
void LoadDriver::ScheduleTick() {
  next_tick_ += std::chrono::milliseconds(options_.tick_ms);
  timer_.expires_at(next_tick_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) OnTick();
  });
}

void LoadDriver::OnTick() {
  int64_t now = clock_.NowMs();
  ticks_++;
  auto lag = std::chrono::duration_cast<std::chrono::milliseconds>(
      asio::steady_timer::clock_type::now() - next_tick_);
  max_tick_lag_ms_ = std::max<int64_t>(max_tick_lag_ms_, lag.count());
  if (stop_ms_ >= 0) {
    if (AllClosed()) return io_.stop();
    if (now - stop_ms_ > options_.grace_ms) {
      for (auto& stream : streams_) stream->Abort();
      return io_.stop();
    }
    return ScheduleTick();
  }
  StartDue(now);
  for (auto& stream : streams_) stream->Tick(now);
  ReportProgress(now);
  if (options_.duration_s > 0 && now - start_ms_ >= options_.duration_s * 1000) {
    BeginStop("duration");
  }
  ScheduleTick();
}

void LoadDriver::StartDue(int64_t now) {
  while (started_ < streams_.size() &&
         now - start_ms_ >= static_cast<int64_t>(started_) * options_.stagger_ms) {
    streams_[started_++]->Connect(endpoint_);
  }
}

void LoadDriver::ReportProgress(int64_t now) {
  size_t publishing = 0;
  size_t failed = 0;
  for (const auto& stream : streams_) {
    publishing += stream->state() == StreamState::kPublishing ? 1 : 0;
    failed += stream->stats().error.empty() ? 0 : 1;
  }
  if (!all_publishing_reported_ && publishing == streams_.size()) {
    all_publishing_reported_ = true;
    all_publishing_ms_ = now;
    cpu_all_publishing_ = ReadOwnCpu();
    std::cerr << "liverec-loadpub: all " << streams_.size() << " streams publishing after "
              << (now - start_ms_) << " ms" << std::endl;
  }
  if (now < next_progress_ms_) return;
  next_progress_ms_ = now + 10000;
  std::cerr << "liverec-loadpub: " << (now - start_ms_) / 1000 << " s: " << publishing << "/"
            << streams_.size() << " publishing, " << failed << " failed" << std::endl;
}

void LoadDriver::BeginStop(const char* why) {
  if (stop_ms_ >= 0) return;
  stop_reason_ = why;
  stop_ms_ = clock_.NowMs();
  cpu_stop_ = ReadOwnCpu();
  signals_.cancel();
  std::cerr << "liverec-loadpub: stopping (" << why << ")" << std::endl;
  for (auto& stream : streams_) stream->Stop();
}

bool LoadDriver::AllClosed() const {
  for (const auto& stream : streams_) {
    if (stream->state() != StreamState::kClosed) return false;
  }
  return true;
}

nlohmann::json StreamRow(int index, const LoadStream& stream) {
  const StreamStats& s = stream.stats();
  return {{"index", index},
          {"published", s.published},
          {"connect_ms", s.connect_ms},
          {"bytes_sent", s.bytes_sent},
          {"media_bytes", s.media_bytes},
          {"video_frames", s.video_frames},
          {"audio_frames", s.audio_frames},
          {"keyframes", s.keyframes},
          {"first_video_ms", s.first_video_ms},
          {"last_video_ms", s.last_video_ms},
          {"pushed_ms", stream.pushed_ms()},
          {"late_ticks", s.late_ticks},
          {"max_backlog_bytes", s.max_backlog_bytes},
          {"clean_end", s.clean_end},
          {"error", s.error}};
}

nlohmann::json LoadDriver::Summary(double wall_s) const {
  nlohmann::json totals = {{"bytes_sent", 0},   {"media_bytes", 0}, {"video_frames", 0},
                           {"audio_frames", 0}, {"keyframes", 0},   {"pushed_ms", 0},
                           {"late_ticks", 0}};
  nlohmann::json errors = nlohmann::json::object();
  nlohmann::json rows = nlohmann::json::array();
  int published = 0, clean = 0;
  uint64_t max_backlog = 0;
  for (size_t i = 0; i < streams_.size(); i++) {
    nlohmann::json row = StreamRow(options_.first_index + static_cast<int>(i), *streams_[i]);
    for (auto& [key, value] : totals.items())
      value = value.get<int64_t>() + row[key].get<int64_t>();
    const StreamStats& s = streams_[i]->stats();
    published += s.published ? 1 : 0;
    clean += s.clean_end ? 1 : 0;
    max_backlog = std::max(max_backlog, s.max_backlog_bytes);
    if (!s.error.empty()) errors[s.error] = errors.value(s.error, 0) + 1;
    if (options_.per_stream) rows.push_back(std::move(row));
  }
  CpuSample end = ReadOwnCpu();
  double cpu_s = end.user_s + end.system_s;
  nlohmann::json cpu = {{"user_s", end.user_s},
                        {"system_s", end.system_s},
                        {"pct_core", 100.0 * cpu_s / wall_s},
                        {"max_rss_kb", MaxRssKb()}};
  if (all_publishing_ms_ >= 0 && stop_ms_ > all_publishing_ms_) {
    double steady_s = static_cast<double>(stop_ms_ - all_publishing_ms_) / 1000.0;
    double steady_cpu = cpu_stop_.user_s + cpu_stop_.system_s - cpu_all_publishing_.user_s -
                        cpu_all_publishing_.system_s;
    cpu["steady_s"] = steady_s;
    cpu["steady_pct_core"] = 100.0 * steady_cpu / steady_s;
    cpu["steady_pct_core_per_stream"] = 100.0 * steady_cpu / steady_s / streams_.size();
  }
  return {{"streams", streams_.size()},
          {"url_template", options_.url},
          {"input", options_.input},
          {"loop_duration_ms", flv_.loop_duration_ms()},
          {"tick_ms", options_.tick_ms},
          {"stagger_ms", options_.stagger_ms},
          {"stop_reason", stop_reason_},
          {"wall_s", wall_s},
          {"all_publishing_after_ms", all_publishing_ms_ < 0 ? -1 : all_publishing_ms_ - start_ms_},
          {"published", published},
          {"clean_ends", clean},
          {"failed", static_cast<int>(streams_.size()) - clean},
          {"errors", errors},
          {"ticks", ticks_},
          {"max_tick_lag_ms", max_tick_lag_ms_},
          {"max_backlog_bytes", max_backlog},
          {"totals", totals},
          {"cpu", cpu},
          {"per_stream", rows}};
}

}  // namespace

std::string StreamUrl(const std::string& url_template, int index) {
  std::string url = url_template;
  std::string number = std::to_string(index);
  size_t at = url.find("{i}");
  if (at != std::string::npos) return url.replace(at, 3, number);
  size_t query = url.find('?');
  return query == std::string::npos ? url + number : url.insert(query, number);
}

Result<nlohmann::json> RunLoad(const LoadOptions& options) {
  auto flv = MemoryFlv::Load(options.input);
  if (!flv) return tl::unexpected(flv.error());
  LoadDriver driver(options, *flv);
  LIVEREC_RETURN_IF_ERROR(driver.Open());
  return driver.Run();
}

}  // namespace liverec::loadpub
