#include "relay/worker/relay_pipeline.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "media/compose/adts_to_asc_filter.h"
#include "media/ts/codec_parameters.h"
#include "relay/worker/rtmp_relay.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/mathematics.h>
}

namespace liverec::relay::worker {
namespace {

// How many packets a new input may take to show each of its streams before stitching starts.
constexpr size_t kPrimePackets = 64;
// AV_TIME_BASE_Q without its C compound literal, which is not C++ (clang -Wpedantic refuses it).
constexpr AVRational kMicroseconds{1, AV_TIME_BASE};

int64_t ToUs(int64_t ts, AVRational time_base) {
  return av_rescale_q(ts, time_base, kMicroseconds);
}

int64_t FromUs(int64_t us, AVRational time_base) {
  return av_rescale_q_rnd(us, kMicroseconds, time_base,
                          static_cast<AVRounding>(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX));
}

bool SameExtradata(const AVCodecParameters* a, const AVCodecParameters* b) {
  return a->extradata_size == b->extradata_size &&
         (a->extradata_size == 0 ||
          std::memcmp(a->extradata, b->extradata, static_cast<size_t>(a->extradata_size)) == 0);
}

}  // namespace

struct RelayPipeline::Route {
  const AVStream* input[2] = {nullptr, nullptr};  // by output index
  bool new_extradata[2] = {false, false};

  int OutputOf(int input_index) const {
    for (int out = 0; out < 2; ++out) {
      if (input[out] != nullptr && input[out]->index == input_index) return out;
    }
    return -1;
  }
  bool Empty() const { return input[0] == nullptr && input[1] == nullptr; }
};

RelayPipeline::RelayPipeline(RelayResult<RelaySpec> spec, Listener listener)
    : spec_(spec ? std::move(*spec) : RelaySpec{}),
      refused_(spec ? std::nullopt : std::optional<RelayError>(spec.error())),
      listener_(std::move(listener)) {
  position_ = {spec_.file_index, spec_.offset_s, spec_.repeat_number};
  snapshot_.position = position_;
}

RelayPipeline::~RelayPipeline() {
  RequestStop();
  Join();
}

void RelayPipeline::Start() {
  thread_ = std::thread([this] { Run(); });
}

void RelayPipeline::Join() {
  if (thread_.joinable()) thread_.join();
}

void RelayPipeline::SetRemainingRepeats(int remaining) {
  std::lock_guard lock(mutex_);
  new_remaining_repeats_ = remaining;
}

RelayPipeline::Snapshot RelayPipeline::Status() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void RelayPipeline::Run() {
  SetState(State::kConnecting);
  RelayResult<void> result;
  if (refused_) {
    result = tl::make_unexpected(*refused_);
  } else {
    result = spec_.kind == SourceKind::kFiles ? RelayPlaylist() : RelayLive();
  }
  if (result && output_) result = output_->Finish();
  output_.reset();              // unpublish before telling anyone
  if (!result && spec_.gate) {  // a redirect, segment or key the egress checks refused
    if (std::string refused = spec_.gate->TakeRefusals(); !refused.empty()) {
      result.error().detail += "; refused by the relay address policy: " + refused;
    }
  }
  if (stop_.Requested()) {
    SetState(State::kStopped);
  } else if (!result) {
    spdlog::warn("relay: {}: {}", FailureName(result.error().failure), result.error().detail);
    SetState(State::kFailed, result.error());
    Emit(Event::Kind::kFailed, result.error());
  } else {
    SetState(State::kFinished);
    Emit(Event::Kind::kFinished);
  }
  done_.store(true);
}

RelayResult<void> RelayPipeline::RelayLive() {
  const std::string& url = spec_.source_urls.front();
  auto plan = Prepare(url, true);
  if (!plan) return tl::make_unexpected(plan.error());
  if (spec_.own_rtmp && spec_.kind == SourceKind::kRtmp) {
    auto endpoint = RtmpEndpointOf(*plan);
    if (endpoint && RtmpEndpointOf(egress::ConnectPlan{spec_.dst_url, {}, {}})) {
      return RelayRtmp(*endpoint, url);
    }
  }
  auto source = AvSource::Open(spec_.kind, url, *plan, spec_.gate.get(), spec_.timeouts, stop_);
  if (!source) return tl::make_unexpected(source.error());
  auto played = PlayInput(**source, 0);
  if (!played) return tl::make_unexpected(played.error());
  return PullFailed("the live source ended: " + UrlForLogs(url));
}

RelayResult<void> RelayPipeline::RelayRtmp(const RtmpEndpoint& source, const std::string& url) {
  RtmpRelayHooks hooks;
  hooks.prepare_destination = [this] { return Prepare(spec_.dst_url, false); };
  hooks.on_running = [this] {
    SetState(State::kRunning);
    Emit(Event::Kind::kRunning);
  };
  hooks.on_progress = [this](double seconds, int64_t messages) { NoteProgress(seconds, messages); };
  RtmpRelay relay(source, UrlForLogs(url), UrlForLogs(spec_.dst_url), spec_.timeouts, stop_,
                  std::move(hooks));
  return relay.Run();  // ok only when stopped
}

RelayResult<void> RelayPipeline::RelayPlaylist() {
  PlaylistCursor cursor(static_cast<int>(spec_.source_urls.size()), spec_.file_index,
                        spec_.offset_s, spec_.repeat_number);
  int64_t packets_this_pass = 0;
  bool full_pass = false;  // the current pass plays the whole list from 0 s
  bool first_file = true;  // of this attempt: its start is kRunning, not a switch
  do {
    position_ = cursor.Current();
    if (cursor.AtPassStart()) {
      packets_this_pass = 0;
      full_pass = position_.offset_s == 0;
    }
    const std::string& url = spec_.source_urls[static_cast<size_t>(position_.file_index)];
    auto plan = Prepare(url, true);
    if (!plan) return tl::make_unexpected(plan.error());
    auto source = AvSource::Open(spec_.kind, url, *plan, spec_.gate.get(), spec_.timeouts, stop_);
    if (!source) return tl::make_unexpected(source.error());
    if (!std::exchange(first_file, false)) NoteItemSwitch();
    auto played = PlayInput(**source, position_.offset_s);
    if (!played) return tl::make_unexpected(played.error());
    packets_this_pass += *played;
    const bool last_of_pass =
        position_.file_index + 1 == static_cast<int>(spec_.source_urls.size());
    if (last_of_pass && full_pass && packets_this_pass == 0) {  // would spin forever
      return PullFailed("a whole pass over the playlist yielded no media");
    }
    if (auto repeats = TakeNewRemainingRepeats()) {
      cursor.SetRemainingRepeats(*repeats);
      position_.remaining_repeats = *repeats;
      std::lock_guard lock(mutex_);
      snapshot_.position.remaining_repeats = *repeats;
    }
  } while (!stop_.Requested() && cursor.Advance());
  return {};
}

RelayResult<int64_t> RelayPipeline::PlayInput(AvSource& source, int64_t offset_s) {
  if (auto ok = CheckFlvCodecs(source.video() ? source.video()->codecpar : nullptr,
                               source.audio() ? source.audio()->codecpar : nullptr);
      !ok) {
    return tl::make_unexpected(ok.error());
  }
  if (offset_s > 0) {
    if (source.OffsetPastEnd(offset_s)) return 0;
    if (auto sought = source.Seek(offset_s); !sought) return tl::make_unexpected(sought.error());
  }
  std::vector<PacketPtr> primed;
  bool ended = false;
  if (auto ok = Prime(source, &primed, &ended); !ok) return tl::make_unexpected(ok.error());
  if (primed.empty()) return 0;
  auto route = RouteStreams(source, primed);
  if (!route) return tl::make_unexpected(route.error());
  int64_t origin_us = INT64_MAX;
  for (const auto& packet : primed) {
    const AVStream* stream = route->input[route->OutputOf(packet->stream_index)];
    const int64_t ts = packet->dts != AV_NOPTS_VALUE ? packet->dts : packet->pts;
    if (ts != AV_NOPTS_VALUE) origin_us = std::min(origin_us, ToUs(ts, stream->time_base));
  }
  stitcher_.BeginInput(origin_us == INT64_MAX ? 0 : origin_us);
  int64_t sent = 0;
  for (auto& packet : primed) {
    if (auto ok = Send(packet.get(), source, *route); !ok) return tl::make_unexpected(ok.error());
    ++sent;
  }
  PacketPtr packet(av_packet_alloc());
  while (!ended && !stop_.Requested()) {
    auto read = source.Read(packet.get());
    if (!read) return tl::make_unexpected(read.error());
    if (*read == AvSource::ReadStatus::kEnd) break;
    if (auto ok = Send(packet.get(), source, *route); !ok) return tl::make_unexpected(ok.error());
    ++sent;
  }
  return sent;
}

RelayResult<RelayPipeline::Route> RelayPipeline::RouteStreams(
    const AvSource& source, const std::vector<PacketPtr>& primed) {
  const AVCodecParameters* video = source.video() ? source.video()->codecpar : nullptr;
  const AVCodecParameters* audio = source.audio() ? source.audio()->codecpar : nullptr;
  if (!output_) {
    // ADTS AAC (MPEG-TS of HLS and SRT) has no AudioSpecificConfig until its first frame: take
    // it from there, so the FLV header announces the real one (an empty AAC sequence header
    // followed by the real one would look like a codec change to the destination).
    auto plan = Prepare(spec_.dst_url, false);
    if (!plan) return tl::make_unexpected(plan.error());
    auto audio_params = AudioParametersWithConfig(source, primed);
    if (!audio_params) return tl::make_unexpected(audio_params.error());
    auto output =
        FlvPushOutput::Open(spec_.dst_url, *plan, video,
                            *audio_params ? audio_params->get() : audio, spec_.timeouts, stop_);
    if (!output) return tl::make_unexpected(output.error());
    output_ = std::move(*output);
    SetState(State::kRunning);
    Emit(Event::Kind::kRunning);
  }
  Route route;
  const AVStream* inputs[2] = {source.video(), source.audio()};
  const int outputs[2] = {output_->video_index(), output_->audio_index()};
  for (int kind = 0; kind < 2; ++kind) {
    if (inputs[kind] == nullptr || outputs[kind] < 0) continue;  // absent on one side
    const AVCodecParameters* was = output_->stream(outputs[kind])->codecpar;
    const AVCodecParameters* now = inputs[kind]->codecpar;
    if (was->codec_id != now->codec_id) {
      return PullFailed(std::string(kind == 0 ? "video" : "audio") + " codec changes from " +
                        avcodec_get_name(was->codec_id) + " to " + avcodec_get_name(now->codec_id) +
                        " in file " + std::to_string(position_.file_index));
    }
    route.input[outputs[kind]] = inputs[kind];
    // An input without extradata (ADTS) carries its configuration in every frame; the muxer's
    // aac_adtstoasc filter turns that into a sequence header.
    route.new_extradata[outputs[kind]] = now->extradata_size > 0 && !SameExtradata(was, now);
  }
  if (route.Empty()) return PullFailed("the input has none of the streams being relayed");
  return route;
}

RelayResult<egress::ConnectPlan> RelayPipeline::Prepare(const std::string& url,
                                                        bool is_source) const {
  std::optional<std::string> refused = spec_.admit ? spec_.admit(url, is_source) : std::nullopt;
  egress::ConnectPlan plan{url, {}, {}};
  if (!refused && spec_.gate) {
    auto planned = spec_.gate->Plan(url);
    if (planned) {
      plan = std::move(*planned);
    } else {
      refused = planned.error();
    }
  }
  if (!refused) return plan;
  std::string detail = "not allowed on this server: " + UrlForLogs(url) + ": " + *refused;
  return is_source ? PullFailed(detail) : PushFailed(detail);
}

RelayResult<RelayPipeline::ParametersPtr> RelayPipeline::AudioParametersWithConfig(
    const AvSource& source, const std::vector<PacketPtr>& primed) {
  const AVStream* audio = source.audio();
  if (audio == nullptr || audio->codecpar->codec_id != AV_CODEC_ID_AAC ||
      audio->codecpar->extradata_size > 0) {
    return ParametersPtr();
  }
  auto first = std::find_if(primed.begin(), primed.end(),
                            [&](const PacketPtr& p) { return p->stream_index == audio->index; });
  if (first == primed.end()) return ParametersPtr();  // no frame yet: the muxer's filter will do
  auto filter = media::compose::AdtsToAscFilter::Create(audio->codecpar);
  if (!filter) return PullFailed("AAC: " + filter.error().ToString());
  auto config = (*filter)->ConfigFrom(first->get());
  if (!config) return PullFailed("AAC: not an ADTS frame: " + config.error().ToString());
  ParametersPtr params(avcodec_parameters_alloc());
  if (!params || avcodec_parameters_copy(params.get(), audio->codecpar) < 0) {
    return PullFailed("out of memory");
  }
  if (!media::ts::SetExtradata(params.get(), *config).ok()) return PullFailed("out of memory");
  return params;
}

RelayResult<void> RelayPipeline::Prime(AvSource& source, std::vector<PacketPtr>* packets,
                                       bool* ended) {
  bool seen[2] = {source.video() == nullptr, source.audio() == nullptr};
  while (packets->size() < kPrimePackets && !(seen[0] && seen[1])) {
    PacketPtr packet(av_packet_alloc());
    auto read = source.Read(packet.get());
    if (!read) return tl::make_unexpected(read.error());
    if (*read == AvSource::ReadStatus::kEnd) {
      *ended = true;
      break;
    }
    seen[source.video() && packet->stream_index == source.video()->index ? 0 : 1] = true;
    packets->push_back(std::move(packet));
  }
  return {};
}

RelayResult<void> RelayPipeline::Send(AVPacket* packet, const AvSource& source, Route& route) {
  const int out = route.OutputOf(packet->stream_index);
  if (out < 0) return {};  // a stream the destination does not carry
  const AVRational in_base = route.input[out]->time_base;
  int64_t dts_us = packet->dts != AV_NOPTS_VALUE   ? ToUs(packet->dts, in_base)
                   : packet->pts != AV_NOPTS_VALUE ? ToUs(packet->pts, in_base)
                                                   : last_input_dts_us_[static_cast<size_t>(out)];
  const int64_t pts_us = packet->pts != AV_NOPTS_VALUE ? ToUs(packet->pts, in_base) : dts_us;
  last_input_dts_us_[static_cast<size_t>(out)] = dts_us;
  const auto stamp = stitcher_.Map(out, dts_us, pts_us, ToUs(packet->duration, in_base));
  const bool files = spec_.kind == SourceKind::kFiles;
  if (files && !pacer_.Wait(stamp.dts_us)) return {};  // stopped; Run() sees it
  NoteProgress(files ? static_cast<double>(pts_us - source.StartUs()) / 1e6
                     : static_cast<double>(stamp.dts_us) / 1e6);

  const AVRational out_base = output_->stream(out)->time_base;
  packet->dts = FromUs(stamp.dts_us, out_base);
  packet->pts = FromUs(stamp.pts_us, out_base);
  packet->duration = av_rescale_q(packet->duration, in_base, out_base);
  packet->stream_index = out;
  packet->pos = -1;
  if (route.new_extradata[out]) {  // announce the new codec configuration (FLV sequence header)
    const AVCodecParameters* now = route.input[out]->codecpar;
    uint8_t* side = av_packet_new_side_data(packet, AV_PKT_DATA_NEW_EXTRADATA,
                                            static_cast<size_t>(now->extradata_size));
    if (side != nullptr)
      std::memcpy(side, now->extradata, static_cast<size_t>(now->extradata_size));
    route.new_extradata[out] = false;
  }
  return output_->Write(packet);
}

std::optional<int> RelayPipeline::TakeNewRemainingRepeats() {
  std::lock_guard lock(mutex_);
  return std::exchange(new_remaining_repeats_, std::nullopt);
}

void RelayPipeline::NoteProgress(double offset_s, int64_t packets) {
  const auto now = std::chrono::steady_clock::now();
  const bool due = now - last_progress_ >= std::chrono::seconds(1);
  {
    std::lock_guard lock(mutex_);
    snapshot_.position = position_;
    snapshot_.offset_s = std::max(offset_s, 0.0);
    snapshot_.packets += packets;
    snapshot_.dts_fixes = stitcher_.fixes();
    snapshot_.reanchors = stitcher_.reanchors();
  }
  if (!due) return;
  last_progress_ = now;
  Emit(Event::Kind::kProgress);
}

void RelayPipeline::NoteItemSwitch() {
  {
    std::lock_guard lock(mutex_);
    snapshot_.position = position_;
    snapshot_.offset_s = 0;
  }
  Emit(Event::Kind::kItemSwitched);
}

void RelayPipeline::SetState(State state, const RelayError& error) {
  std::lock_guard lock(mutex_);
  snapshot_.state = state;
  snapshot_.error = error;
}

void RelayPipeline::Emit(Event::Kind kind, const RelayError& error) {
  if (!listener_) return;
  Event event;
  event.kind = kind;
  event.error = error;
  {
    std::lock_guard lock(mutex_);
    event.position = snapshot_.position;
    event.offset_s = snapshot_.offset_s;
  }
  listener_(event);
}

}  // namespace liverec::relay::worker
