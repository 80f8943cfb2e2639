#include "commands.h"

#include <chrono>
#include <iostream>

#include "flv_file_tag_source.h"
#include "flv_file_writer.h"
#include "publisher.h"
#include "rtmp_url.h"
#include "tcp_client.h"

namespace liverec::publish {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// An .flv input is sent as it is; anything else goes through libavformat.
Result<std::unique_ptr<TagSource>> OpenSource(const PublishCommandOptions& options) {
  std::unique_ptr<TagSource> inner;
  if (EndsWith(options.input, ".flv")) {
    auto source = FlvFileTagSource::Open(options.input);
    if (!source) return tl::unexpected(source.error());
    inner = std::move(*source);
  } else {
    auto source = AvTagSource::Open(options.input, options.hevc_mode);
    if (!source) return tl::unexpected(source.error());
    inner = std::move(*source);
  }
  return std::make_unique<LoopingSource>(std::move(inner), std::max(options.loops, 1));
}

void Report(const char* verb, const std::string& where, const PublishStats& stats) {
  std::cout << verb << " " << where << "\n";
  auto line = [](const char* name, const TrackStats& track) {
    std::cout << "  " << name << ": " << track.tags << " tags, " << track.bytes << " bytes\n";
  };
  line("video   ", stats.video);
  line("audio   ", stats.audio);
  line("metadata", stats.metadata);
}

int Fail(const Status& status) {
  std::cerr << "liverec-publish: " << status.ToString() << "\n";
  return 1;
}

// Moves bytes between the socket and the publisher until it has finished.
Status Drive(TcpClient& connection, Publisher& publisher, int server_timeout_ms) {
  std::vector<uint8_t> buffer(size_t{64} * 1024);
  publisher.Start();
  while (true) {
    LIVEREC_RETURN_IF_ERROR(connection.WriteAll(publisher.TakeOutput()));
    if (publisher.finished()) return Status::Ok();
    int64_t now = NowMs();
    auto next = publisher.Pump(now);
    if (!next) return next.error();
    LIVEREC_RETURN_IF_ERROR(connection.WriteAll(publisher.TakeOutput()));
    if (publisher.finished()) return Status::Ok();
    bool waiting_for_server = !next->has_value();
    int timeout = waiting_for_server ? server_timeout_ms
                                     : static_cast<int>(std::max<int64_t>(0, **next - NowMs()));
    auto got = connection.ReadSome(buffer, timeout);
    if (!got) return got.error();
    if (*got == 0 && waiting_for_server) {
      return Status(ErrorCode::kServiceUnavailable, "", "the server did not answer in time");
    }
    if (*got > 0) {
      LIVEREC_RETURN_IF_ERROR(publisher.OnReceived(std::span<const uint8_t>(buffer).first(*got)));
    }
  }
}

}  // namespace

int RunPublish(const PublishCommandOptions& options) {
  auto url = ParseRtmpUrl(options.url);
  if (!url) return Fail(url.error());
  auto source = OpenSource(options);
  if (!source) return Fail(source.error());
  auto connection = TcpClient::Connect(url->host, url->port);
  if (!connection) return Fail(connection.error());

  OsRandom random;
  media::rtmp::PublishClientOptions client_options;
  client_options.tc_url = url->tc_url;
  client_options.app = url->app;
  client_options.stream = url->stream;
  client_options.handshake = options.plain_handshake ? media::rtmp::HandshakeVariant::kPlain
                                                     : media::rtmp::HandshakeVariant::kDigest;
  client_options.chunk_size = options.chunk_size;
  if (options.hevc_mode == HevcMode::kEnhanced) client_options.fourcc_list = {"hvc1"};
  Publisher publisher(random, client_options, **source, PublisherOptions{options.realtime});

  Status status = Drive(**connection, publisher, options.server_timeout_ms);
  if (!status.ok()) {
    const PublishStats& stats = publisher.stats();
    if (stats.video.tags + stats.audio.tags + stats.metadata.tags > 0) {
      Report("partly published to", options.url, stats);
    } else if (!publisher.status_code().empty()) {
      std::cerr << "liverec-publish: publish refused: " << publisher.status_code() << "\n";
    }
    return Fail(status);
  }
  (*connection)->CloseGracefully(1000);
  Report("published to", options.url, publisher.stats());
  return 0;
}

int RunWriteFlv(const PublishCommandOptions& options) {
  auto source = OpenSource(options);
  if (!source) return Fail(source.error());
  auto writer = FlvFileWriter::Create(options.output_flv);
  if (!writer) return Fail(writer.error());
  PublishStats stats;
  while (true) {
    auto tag = (*source)->Next();
    if (!tag) return Fail(tag.error());
    if (!tag->has_value()) break;
    Status status = (*writer)->Write(**tag);
    if (!status.ok()) return Fail(status);
    TrackStats& track = (*tag)->type == FlvTagType::kVideo   ? stats.video
                        : (*tag)->type == FlvTagType::kAudio ? stats.audio
                                                             : stats.metadata;
    track.tags++;
    track.bytes += (*tag)->body.size();
  }
  Status status = (*writer)->Close();
  if (!status.ok()) return Fail(status);
  Report("wrote", options.output_flv, stats);
  return 0;
}

}  // namespace liverec::publish
